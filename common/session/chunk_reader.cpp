// Reads an outgoing file ahead of the session's writer, on a thread of its own that also hashes.
#include "common/session/chunk_reader.h"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

namespace peerlink {

ChunkReader::ChunkReader(const SourceFile* source, bool hash, std::function<void()> wake)
    : source_(source), hash_(hash), wake_(std::move(wake)), blocks_(kBlocks) {
  for (Block& b : blocks_) b.bytes.resize(kSlotsPerBlock * kSlotBytes);
  thread_ = std::thread([this] { run(); });
}

ChunkReader::~ChunkReader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool ChunkReader::ready() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_ || blocks_[take_block_].full;
}

bool ChunkReader::take(Chunk* chunk, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  Block& b = blocks_[take_block_];
  if (!b.full) {  // reading failed before this block
    *error = failed_ ? error_ : "file not read yet";
    return false;
  }
  chunk->frame = b.bytes.data() + take_slot_ * kSlotBytes;
  chunk->len = b.lens[take_slot_];
  chunk->last = b.last && take_slot_ + 1 == b.slots;
  return true;
}

void ChunkReader::release() {
  std::lock_guard<std::mutex> lock(mu_);
  Block& b = blocks_[take_block_];
  if (!b.full) return;
  if (++take_slot_ < b.slots) return;
  b.full = false;
  take_slot_ = 0;
  take_block_ = (take_block_ + 1) % kBlocks;
  cv_.notify_all();
}

std::string ChunkReader::digest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return digest_;
}

bool ChunkReader::fill(Block* b, uint64_t offset, std::string* error) {
  const uint64_t size = source_->size();
  iovec iov[kSlotsPerBlock];
  size_t slots = 0, want = 0;
  for (; slots < kSlotsPerBlock && offset + want < size; ++slots) {
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(wire::kChunkBytes, size - offset - want));
    b->lens[slots] = n;
    iov[slots].iov_base = b->bytes.data() + slots * kSlotBytes + kDataPrefixBytes;
    iov[slots].iov_len = n;
    want += n;
  }
  if (slots == 0) {  // an empty file: one chunk of nothing, for the DONE
    b->lens[0] = 0;
    slots = 1;
  }
  b->slots = slots;
  b->last = offset + want == size;
  // Regular files give everything asked for unless they shrank; a short read is retried.
  for (size_t first = 0, got_total = 0; got_total < want;) {
    const ssize_t got = ::preadv(source_->fd(), iov + first, static_cast<int>(slots - first),
                                 static_cast<off_t>(offset + got_total));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *error = Result::system("cannot read " + source_->path(), errno).message();
      return false;
    }
    if (got == 0) {
      *error = source_->path() + " shrank";
      return false;
    }
    got_total += static_cast<size_t>(got);
    for (size_t left = static_cast<size_t>(got); left > 0;) {
      const size_t n = std::min(left, iov[first].iov_len);
      iov[first].iov_base = static_cast<unsigned char*>(iov[first].iov_base) + n;
      iov[first].iov_len -= n;
      left -= n;
      if (iov[first].iov_len == 0) ++first;
    }
  }
  if (hash_) {
    for (size_t i = 0; i < slots; ++i)
      sha_.update(b->bytes.data() + i * kSlotBytes + kDataPrefixBytes, b->lens[i]);
  }
  return true;
}

void ChunkReader::run() {
  uint64_t offset = 0;
  for (size_t i = 0;; i = (i + 1) % kBlocks) {
    Block* b = &blocks_[i];
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !b->full; });
      if (stopping_) return;
    }
    // The block is ours until it is marked full: the writer does not look at it before.
    std::string error;
    const bool ok = fill(b, offset, &error);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ok) {
        failed_ = true;
        error_ = error;
      } else {
        b->full = true;
        if (b->last && hash_) {
          const Sha256::Digest d = sha_.finish();
          digest_.assign(d.begin(), d.end());
        }
      }
    }
    wake_();
    if (!ok || b->last) return;
    for (size_t s = 0; s < b->slots; ++s) offset += b->lens[s];
  }
}

}  // namespace peerlink
