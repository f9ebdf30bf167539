// An upload cap shared by all connections of a file server (`--max-rate`).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace peerlink::peer_server {

// Paces senders so that, together, they send at most `bytes_per_sec`. Each acquire() reserves the
// next free slot of the shared timeline and waits for it, so connections take turns fairly.
// Thread-safe.
class RateLimiter {
 public:
  // `bytes_per_sec` must be > 0.
  explicit RateLimiter(uint64_t bytes_per_sec) : rate_(bytes_per_sec) {}

  // Waits until `n` more bytes may go out. False if stop() was called first (or meanwhile).
  bool acquire(uint64_t n);
  // Wakes every waiter; later acquire() calls return false at once.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  const uint64_t rate_;
  std::mutex mu_;
  std::condition_variable cv_;
  Clock::time_point next_free_{};
  bool stopped_ = false;
};

}  // namespace peerlink::peer_server
