// Hands the bytes of blocks just written to the download's hasher, so that it hashes them from
// memory instead of reading the .part back: a bounded few blocks, kept until the hasher's in-order
// pass reaches them.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace peerlink::peer_client {

// Thread-safe: source connections offer, the hasher takes.
class HashFeed {
 public:
  // At most `max_held` blocks are kept at once (with 1 MiB blocks, as many MiB).
  explicit HashFeed(size_t max_held) : max_held_(max_held) {}

  // Offers the bytes of `block`, exactly as just written to the .part. They are kept (moved out
  // of *bytes, which gets a spare buffer or an empty one) unless the hasher is already past the
  // block or max_held blocks are kept; then the hasher reads the block from the .part instead.
  void offer(size_t block, std::string* bytes);
  // For the hasher: moves the kept bytes of `block` into *bytes; false if none were kept.
  bool take(size_t block, std::string* bytes);
  // For the hasher: every block before `next_block` is hashed (offers of them are refused);
  // `spare` is a buffer it is done with, for reuse.
  void hashed_through(size_t next_block, std::string spare);

  size_t held() const;

 private:
  mutable std::mutex mu_;
  const size_t max_held_;
  size_t next_block_ = 0;
  std::map<size_t, std::string> held_;
  std::vector<std::string> spares_;  // at most max_held_
};

}  // namespace peerlink::peer_client
