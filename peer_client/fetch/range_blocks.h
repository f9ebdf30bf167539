// Block bookkeeping of a download: which fixed-size blocks of the file are on disk, and which are
// being fetched by whom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
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

// A piece of work for one source: one GET. Normally a whole block; near the end of a download
// (the tail), a block is cut into pieces so that every source finishes at about the same time.
struct FetchUnit {
  size_t block = 0;
  uint64_t offset = 0;  // in the file
  uint64_t length = 0;
  bool whole = false;  // the whole block (not a tail piece)
};

// Size of a tail piece: a block is cut into this many-byte GETs once few blocks are left.
inline constexpr uint64_t kTailPieceBytes = 128u << 10;
// Sources holding the same unit at most (the endgame's duplicates included).
inline constexpr size_t kMaxUnitHolders = 3;

// Hands out the missing parts of a BlockMap to several sources (each a `taker` id):
//  - lowest first, whole blocks, until only `tail_blocks` are left: those are cut into pieces of
//    `piece_bytes`, so that the last GETs are short and the sources end together;
//  - the endgame: when nothing is missing, a source with nothing to do takes a unit another
//    source is still fetching (the one with the fewest holders, the lowest first). The first
//    holder whose bytes are all in claims it (claim()); the others' copies are dropped, so every
//    byte is written once, by one source, and hashed as written.
// A source that fails gives its units back; a unit no one else holds is missing again. Not
// thread-safe: the downloader guards it with its own mutex.
class BlockQueue {
 public:
  explicit BlockQueue(BlockMap map, size_t tail_blocks = 0, uint64_t piece_bytes = kTailPieceBytes);

  enum class Take {
    kUnit,      // *unit is now held by the caller
    kWait,      // nothing to take, but units held elsewhere may yet come back
    kFinished,  // every block is done
  };
  Take take(int taker, FetchUnit* unit);
  // All of the unit's bytes arrived at `taker`: true if it is the first, and must now write them
  // and call written(); false if another holder has claimed it (or it is done): drop the bytes.
  bool claim(int taker, const FetchUnit& unit);
  // The claimed unit's bytes are written. True if that completed its block.
  bool written(const FetchUnit& unit);
  // `taker` lets go of the unit (failed, or stopped). If no one else holds it, it is missing again.
  void give_back(int taker, const FetchUnit& unit);

  const BlockMap& map() const { return map_; }
  size_t missing_count() const { return missing_blocks_.size() + missing_pieces_.size(); }
  size_t in_flight_count() const { return in_flight_.size(); }

 private:
  struct Held {
    FetchUnit unit;
    std::vector<int> holders;
    int claimed_by = -1;
  };
  bool take_missing(FetchUnit* unit);
  bool take_duplicate(int taker, FetchUnit* unit);

  BlockMap map_;
  size_t tail_blocks_;
  uint64_t piece_bytes_;
  std::set<size_t> missing_blocks_;               // never handed out (or given back whole)
  std::map<uint64_t, FetchUnit> missing_pieces_;  // tail pieces not held, by offset
  std::map<uint64_t, Held> in_flight_;            // by offset
  std::map<size_t, size_t> units_left_;           // per started block: units not yet written
};

}  // namespace peerlink::peer_client
