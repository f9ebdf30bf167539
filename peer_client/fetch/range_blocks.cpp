// Block bookkeeping of a download.
#include "peer_client/fetch/range_blocks.h"

#include <algorithm>
#include <utility>

#include "common/base/hex.h"

namespace peerlink::peer_client {

BlockMap::BlockMap(uint64_t file_size, uint64_t block_size)
    : file_size_(file_size),
      block_size_(block_size),
      done_(static_cast<size_t>(std::min(block_count(file_size, block_size), kMaxBlockMapBlocks)),
            false) {}

uint64_t BlockMap::length(size_t block) const {
  const uint64_t start = offset(block);
  const uint64_t left = file_size_ - start;
  return left < block_size_ ? left : block_size_;
}

void BlockMap::set_done(size_t block) {
  if (done_[block]) return;
  done_[block] = true;
  ++done_count_;
  done_bytes_ += length(block);
  while (prefix_blocks_ < done_.size() && done_[prefix_blocks_]) ++prefix_blocks_;
}

uint64_t BlockMap::done_prefix_bytes() const {
  return prefix_blocks_ == done_.size() ? file_size_ : prefix_blocks_ * block_size_;
}

std::string BlockMap::to_hex() const {
  if (done_.empty()) return "-";
  std::string bytes((done_.size() + 7) / 8, '\0');
  for (size_t i = 0; i < done_.size(); ++i) {
    if (done_[i]) bytes[i / 8] = static_cast<char>(bytes[i / 8] | (0x80 >> (i % 8)));
  }
  return peerlink::to_hex(bytes.data(), bytes.size());
}

bool BlockMap::from_hex(std::string_view hex) {
  if (done_.empty()) return hex == "-";
  std::string bytes;
  if (!peerlink::from_hex(hex, &bytes) || bytes.size() != (done_.size() + 7) / 8) return false;
  // Padding bits must be clear so that each map has exactly one spelling.
  const size_t used_in_last = done_.size() % 8;
  if (used_in_last != 0) {
    const auto last = static_cast<unsigned char>(bytes.back());
    if ((last & (0xff >> used_in_last)) != 0) return false;
  }
  BlockMap fresh(file_size_, block_size_);
  for (size_t i = 0; i < done_.size(); ++i) {
    if ((static_cast<unsigned char>(bytes[i / 8]) & (0x80 >> (i % 8))) != 0) fresh.set_done(i);
  }
  *this = std::move(fresh);
  return true;
}

BlockQueue::BlockQueue(BlockMap map) : map_(std::move(map)), in_flight_flags_(map_.count(), false) {
  for (size_t i = 0; i < map_.count(); ++i) {
    if (!map_.done(i)) missing_.insert(missing_.end(), i);
  }
}

BlockQueue::Take BlockQueue::take(size_t* block) {
  if (!missing_.empty()) {
    *block = *missing_.begin();
    missing_.erase(missing_.begin());
    in_flight_flags_[*block] = true;
    ++in_flight_;
    return Take::kBlock;
  }
  return in_flight_ > 0 ? Take::kWait : Take::kFinished;
}

void BlockQueue::complete(size_t block) {
  if (!in_flight_flags_[block]) return;
  in_flight_flags_[block] = false;
  --in_flight_;
  map_.set_done(block);
}

void BlockQueue::give_back(size_t block) {
  if (!in_flight_flags_[block]) return;
  in_flight_flags_[block] = false;
  --in_flight_;
  missing_.insert(block);
}

}  // namespace peerlink::peer_client
