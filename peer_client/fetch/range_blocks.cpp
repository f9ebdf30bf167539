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

BlockQueue::BlockQueue(BlockMap map, size_t tail_blocks, uint64_t piece_bytes)
    : map_(std::move(map)), tail_blocks_(tail_blocks), piece_bytes_(piece_bytes) {
  for (size_t i = 0; i < map_.count(); ++i) {
    if (!map_.done(i)) missing_blocks_.insert(missing_blocks_.end(), i);
  }
}

bool BlockQueue::take_missing(FetchUnit* unit) {
  if (missing_pieces_.empty() && !missing_blocks_.empty()) {
    const size_t b = *missing_blocks_.begin();
    missing_blocks_.erase(missing_blocks_.begin());
    const uint64_t length = map_.length(b);
    if (missing_blocks_.size() >= tail_blocks_ || length <= piece_bytes_ || piece_bytes_ == 0) {
      *unit = FetchUnit{b, map_.offset(b), length, true};
      units_left_[b] = 1;
      return true;
    }
    // The tail: the block goes out in pieces.
    size_t pieces = 0;
    for (uint64_t at = 0; at < length; at += piece_bytes_, ++pieces) {
      const uint64_t n = std::min(piece_bytes_, length - at);
      missing_pieces_.emplace(map_.offset(b) + at, FetchUnit{b, map_.offset(b) + at, n, false});
    }
    units_left_[b] = pieces;
  }
  if (missing_pieces_.empty()) return false;
  *unit = missing_pieces_.begin()->second;
  missing_pieces_.erase(missing_pieces_.begin());
  return true;
}

bool BlockQueue::take_duplicate(int taker, FetchUnit* unit) {
  Held* best = nullptr;
  for (auto& [offset, held] : in_flight_) {
    if (held.claimed_by >= 0 || held.holders.size() >= kMaxUnitHolders) continue;
    if (std::find(held.holders.begin(), held.holders.end(), taker) != held.holders.end()) continue;
    if (best == nullptr || held.holders.size() < best->holders.size()) best = &held;
  }
  if (best == nullptr) return false;
  best->holders.push_back(taker);
  *unit = best->unit;
  return true;
}

BlockQueue::Take BlockQueue::take(int taker, FetchUnit* unit) {
  if (take_missing(unit)) {
    in_flight_[unit->offset] = Held{*unit, {taker}, -1};
    return Take::kUnit;
  }
  if (take_duplicate(taker, unit)) return Take::kUnit;
  return map_.complete() ? Take::kFinished : Take::kWait;
}

bool BlockQueue::claim(int taker, const FetchUnit& unit) {
  auto it = in_flight_.find(unit.offset);
  if (it == in_flight_.end() || it->second.unit.length != unit.length) return false;
  Held& held = it->second;
  auto me = std::find(held.holders.begin(), held.holders.end(), taker);
  if (me == held.holders.end()) return false;
  if (held.claimed_by >= 0) {
    held.holders.erase(me);
    return false;
  }
  held.claimed_by = taker;
  return true;
}

bool BlockQueue::written(const FetchUnit& unit) {
  auto it = in_flight_.find(unit.offset);
  if (it == in_flight_.end() || it->second.claimed_by < 0) return false;
  in_flight_.erase(it);
  auto left = units_left_.find(unit.block);
  if (left == units_left_.end() || --left->second > 0) return false;
  units_left_.erase(left);
  map_.set_done(unit.block);
  return true;
}

void BlockQueue::give_back(int taker, const FetchUnit& unit) {
  auto it = in_flight_.find(unit.offset);
  if (it == in_flight_.end()) return;
  Held& held = it->second;
  auto me = std::find(held.holders.begin(), held.holders.end(), taker);
  if (me == held.holders.end()) return;
  held.holders.erase(me);
  if (held.claimed_by == taker) held.claimed_by = -1;
  if (!held.holders.empty() || held.claimed_by >= 0) return;
  const FetchUnit back = held.unit;
  in_flight_.erase(it);
  if (back.whole) {
    units_left_.erase(back.block);
    missing_blocks_.insert(back.block);
  } else {
    missing_pieces_.emplace(back.offset, back);
  }
}

}  // namespace peerlink::peer_client
