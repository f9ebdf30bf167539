// SHA-256 of a byte stream computed on a thread of its own.
#include "common/fs/hash_thread.h"

#include <cstring>

namespace peerlink {

HashThread::HashThread() : thread_([this] { run(); }) { current_.reserve(kBlockBytes); }

HashThread::~HashThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void HashThread::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t room = kBlockBytes - current_.size();
    const size_t n = bytes.size() < room ? bytes.size() : room;
    current_.insert(current_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    bytes.remove_prefix(n);
    if (current_.size() == kBlockBytes) push_current();
  }
}

void HashThread::push_current() {
  std::unique_lock<std::mutex> lock(mu_);
  queued_.push_back(std::move(current_));
  cv_.notify_all();
  // The next block: a hashed one if there is one, a new one while under the bound, otherwise
  // wait for the hashing thread to hand one back.
  if (spare_.empty() && blocks_ < kMaxQueuedBlocks + 1) {
    ++blocks_;
    lock.unlock();
    current_ = std::vector<unsigned char>();
    current_.reserve(kBlockBytes);
    return;
  }
  cv_.wait(lock, [this] { return !spare_.empty() || stopping_; });
  if (spare_.empty()) {  // stopping: the hash no longer matters
    current_ = std::vector<unsigned char>();
    return;
  }
  current_ = std::move(spare_.back());
  spare_.pop_back();
  current_.clear();
}

std::string HashThread::finish() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!current_.empty()) queued_.push_back(std::move(current_));
  current_ = std::vector<unsigned char>();
  finishing_ = true;
  cv_.notify_all();
  cv_.wait(lock, [this] { return hashed_all_ || stopping_; });
  return digest_;
}

void HashThread::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || finishing_ || !queued_.empty(); });
    if (stopping_) return;
    if (queued_.empty()) {  // finishing, and everything is hashed
      const Sha256::Digest d = hash_.finish();
      digest_.assign(d.begin(), d.end());
      hashed_all_ = true;
      cv_.notify_all();
      return;
    }
    std::vector<unsigned char> block = std::move(queued_.front());
    queued_.pop_front();
    lock.unlock();
    hash_.update(block.data(), block.size());
    lock.lock();
    spare_.push_back(std::move(block));
    cv_.notify_all();
  }
}

}  // namespace peerlink
