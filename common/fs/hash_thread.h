// SHA-256 of a byte stream computed on a thread of its own, so the thread producing the bytes
// (a session's receive thread, a sender's reader) never waits for the hash.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/crypto/sha256.h"

namespace peerlink {

// Bytes fed in are copied into blocks of kBlockBytes; full blocks queue up for the hashing
// thread. The queue is bounded (kMaxQueuedBlocks): a producer faster than the hash waits in
// feed() for a free block, so memory stays at most (kMaxQueuedBlocks + 1) blocks whatever the
// stream's length. Blocks are recycled, nothing is allocated per block after the first ones.
//
// One producer thread calls feed() and then finish() (or nothing: the destructor stops the
// thread and throws the hash away).
class HashThread {
 public:
  static constexpr size_t kBlockBytes = 256 * 1024;
  static constexpr size_t kMaxQueuedBlocks = 16;

  HashThread();
  ~HashThread();
  HashThread(const HashThread&) = delete;
  HashThread& operator=(const HashThread&) = delete;

  // Adds `bytes` to the stream.
  void feed(std::string_view bytes);
  // Waits until every byte fed so far is hashed and gives the digest (32 raw bytes). Once only.
  std::string finish();

 private:
  struct Block {
    std::unique_ptr<unsigned char[]> bytes;  // kBlockBytes
    size_t len = 0;
  };

  void run();
  void push_current();  // queues the block being filled

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block> queued_;  // full blocks, oldest first
  std::vector<Block> spare_;  // hashed blocks, for reuse
  size_t blocks_ = 1;         // allocated: queued, spare, in use (current_)
  bool finishing_ = false;    // no more blocks will come
  bool stopping_ = false;     // give up now
  bool hashed_all_ = false;
  Block current_;  // producer's block being filled
  Sha256 hash_;    // the hashing thread's
  std::string digest_;
  std::thread thread_;
};

}  // namespace peerlink
