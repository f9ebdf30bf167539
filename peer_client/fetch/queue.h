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
  explicit FetchQueue(BlockMap map) : queue_(std::move(map)) {}

  enum class Next { kBlock, kNone, kFinished };
  // Takes the lowest missing block. With `wait`, blocks while nothing is missing but blocks are
  // in flight elsewhere (one may come back). kNone: nothing to take now (no wait), or stopped;
  // kFinished: every block is done.
  Next take(size_t* block, bool wait);
  // The block's bytes are written; returns the map to persist (a snapshot taken after marking).
  BlockMap complete(size_t block);
  // A failed connection's block goes back for the others.
  void give_back(size_t block);

  // Ends the download early: take() returns kNone from now on and every registered socket is
  // shut down, so blocked reads return at once.
  void stop();
  bool stopped() const { return stopped_.load(); }

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

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  BlockQueue queue_;  // its map's geometry never changes, so offset/length need no lock
  std::set<int> sockets_;
  std::atomic<bool> stopped_{false};
  bool ended_ = false;
};

}  // namespace peerlink::peer_client
