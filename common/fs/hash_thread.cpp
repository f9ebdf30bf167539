// SHA-256 of a byte stream computed on a thread of its own.
#include "common/fs/hash_thread.h"

#include <cstring>

namespace peerlink {

HashThread::HashThread() : thread_([this] { run(); }) {
  current_.bytes = std::make_unique<unsigned char[]>(kBlockBytes);
}

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
    if (!current_.bytes) return;  // stopping: the hash no longer matters
    const size_t room = kBlockBytes - current_.len;
    const size_t n = bytes.size() < room ? bytes.size() : room;
    std::memcpy(current_.bytes.get() + current_.len, bytes.data(), n);
    current_.len += n;
    bytes.remove_prefix(n);
    if (current_.len == kBlockBytes) push_current();
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
    current_ = Block{std::make_unique<unsigned char[]>(kBlockBytes), 0};
    return;
  }
  cv_.wait(lock, [this] { return !spare_.empty() || stopping_; });
  if (spare_.empty()) {  // stopping: feed() drops what comes
    current_ = Block{};
    return;
  }
  current_ = std::move(spare_.back());
  spare_.pop_back();
  current_.len = 0;
}

std::string HashThread::finish() {
  std::unique_lock<std::mutex> lock(mu_);
  if (current_.len != 0) queued_.push_back(std::move(current_));
  current_ = Block{};
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
    Block block = std::move(queued_.front());
    queued_.pop_front();
    lock.unlock();
    hash_.update(block.bytes.get(), block.len);
    lock.lock();
    spare_.push_back(std::move(block));
    cv_.notify_all();
  }
}

}  // namespace peerlink
