// The work shared by a download's source connections: a thread-safe BlockQueue, plus the means to
// stop every connection at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>

#include "peer_client/fetch/range_blocks.h"

namespace peerlink::peer_client {

// Thread-safe. Does not own the registered sockets: each connection registers its fd while it is
// open and unregisters it before closing, so stop() can shutdown() them without racing a close.
class FetchQueue {
 public:
  // `tail_blocks`: see BlockQueue (the last blocks go out in pieces).
  explicit FetchQueue(BlockMap map, size_t tail_blocks = 0) : queue_(std::move(map), tail_blocks) {}

  enum class Next { kUnit, kNone, kFinished };
  // Takes the next unit for `taker` (BlockQueue::take: missing parts first, then the endgame's
  // duplicates). With `wait`, blocks while there is nothing to take but units are held elsewhere
  // (one may come back). kNone: nothing to take now (no wait), or stopped; kFinished: every block
  // is done.
  Next take(int taker, FetchUnit* unit, bool wait);
  // BlockQueue::claim: true if `taker` is the first with all of the unit's bytes.
  bool claim(int taker, const FetchUnit& unit);
  // The claimed unit is written. True if that completed its block. When it completes the file,
  // every registered socket is shut down: the holders of duplicates still in flight stop at once.
  bool written(const FetchUnit& unit);
  // A failed connection's unit goes back for the others.
  void give_back(int taker, const FetchUnit& unit);
  // Whether the block is done (a holder may check before reading on).
  bool block_done(size_t block) const;

  // Ends the download early: take() returns kNone from now on and every registered socket is
  // shut down, so blocked reads return at once.
  void stop();
  bool stopped() const { return stopped_.load(); }
  // Every block is done (a connection cut after that has not failed).
  bool finished() const { return finished_.load(); }

  // For the hasher: waits until the done prefix (BlockMap::done_prefix_bytes()) passes `have`,
  // or until end() or stop(); returns the prefix then (== `have` if it never grew).
  uint64_t wait_prefix(uint64_t have);
  // No more blocks will complete (the connections have all ended): wakes wait_prefix().
  void end();

  void add_socket(int fd);
  void remove_socket(int fd);

  BlockMap snapshot() const;
  uint64_t block_offset(size_t block) const { return queue_.map().offset(block); }
  uint64_t block_length(size_t block) const { return queue_.map().length(block); }
  uint64_t block_size() const { return queue_.map().block_size(); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  BlockQueue queue_;  // its map's geometry never changes, so offset/length need no lock
  std::set<int> sockets_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> finished_{false};
  bool ended_ = false;
};

}  // namespace peerlink::peer_client
