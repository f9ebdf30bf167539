// Block bookkeeping of a download: which fixed-size blocks of the file are on disk, and which are
// being fetched by whom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace peerlink::peer_client {

// Default block size of a download: small enough that a lost connection costs little and
// several owners share even a few-megabyte file, large enough that per-request overhead is noise.
inline constexpr uint64_t kFetchBlockBytes = 1u << 20;

// The most blocks a BlockMap is ever built with (1 TiB at the default block size): what a
// download's announced size, or a state file's claim, is checked against before anything is
// allocated for it. Its bitmap is 128 KiB, its hex 256 KiB.
inline constexpr uint64_t kMaxBlockMapBlocks = uint64_t{1} << 20;
// The largest file a download accepts (1 TiB): kMaxBlockMapBlocks blocks of kFetchBlockBytes.
inline constexpr uint64_t kMaxFetchFileBytes = kMaxBlockMapBlocks * kFetchBlockBytes;

// Blocks of a `file_size`-byte file cut into `block_size`-byte blocks (overflow-safe; the last
// block may be shorter). `block_size` must be > 0.
inline uint64_t block_count(uint64_t file_size, uint64_t block_size) {
  return file_size / block_size + (file_size % block_size != 0 ? 1 : 0);
}

// Which blocks of a `file_size`-byte file, cut into `block_size`-byte blocks (the last one may be
// shorter; a 0-byte file has none), are complete. A plain value; not thread-safe.
class BlockMap {
 public:
  BlockMap() = default;
  // `block_size` must be > 0 and block_count(file_size, block_size) <= kMaxBlockMapBlocks: the
  // caller checks claimed sizes first (a larger map is clamped to that many blocks, never
  // allocated).
  BlockMap(uint64_t file_size, uint64_t block_size);

  uint64_t file_size() const { return file_size_; }
  uint64_t block_size() const { return block_size_; }
  size_t count() const { return done_.size(); }
  uint64_t offset(size_t block) const { return block * block_size_; }
  uint64_t length(size_t block) const;

  bool done(size_t block) const { return done_[block]; }
  void set_done(size_t block);
  size_t done_count() const { return done_count_; }
  uint64_t done_bytes() const { return done_bytes_; }
  bool complete() const { return done_count_ == done_.size(); }
  // Length of the leading run of done blocks, in bytes: the part of the file that can already be
  // hashed in order.
  uint64_t done_prefix_bytes() const;

  // The done bits as hex, block 0 in the most significant bit of the first byte; "-" when the
  // file has no blocks (so the field is never empty).
  std::string to_hex() const;
  // Replaces the done bits from to_hex() output. False (leaving the map unchanged) if the length
  // does not match count() or a padding bit past the last block is set.
  bool from_hex(std::string_view hex);

 private:
  uint64_t file_size_ = 0;
  uint64_t block_size_ = kFetchBlockBytes;
  std::vector<bool> done_;
  size_t done_count_ = 0;
  uint64_t done_bytes_ = 0;
  size_t prefix_blocks_ = 0;  // blocks [0, prefix_blocks_) are all done
};

// Hands out the missing blocks of a BlockMap to several sources: each block is missing, in flight
// (taken by one source) or done. A source that fails gives its blocks back for the others. Not
// thread-safe: the downloader guards it with its own mutex.
class BlockQueue {
 public:
  explicit BlockQueue(BlockMap map);

  enum class Take {
    kBlock,     // *block is now in flight for the caller
    kWait,      // nothing missing, but blocks in flight elsewhere may yet come back
    kFinished,  // every block is done
  };
  // Takes the lowest missing block.
  Take take(size_t* block);
  // The block's bytes are on disk. Only for a block in flight.
  void complete(size_t block);
  // The block goes back to the missing set. Only for a block in flight.
  void give_back(size_t block);

  const BlockMap& map() const { return map_; }
  size_t missing_count() const { return missing_.size(); }
  size_t in_flight_count() const { return in_flight_; }

 private:
  BlockMap map_;
  std::set<size_t> missing_;
  std::vector<bool> in_flight_flags_;
  size_t in_flight_ = 0;
};

}  // namespace peerlink::peer_client
