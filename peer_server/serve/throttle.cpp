// An upload cap shared by all connections of a file server.
#include "peer_server/serve/throttle.h"

#include <algorithm>

namespace peerlink::peer_server {

bool RateLimiter::acquire(uint64_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopped_) return false;
  const Clock::time_point now = Clock::now();
  // Unused time is not banked: an idle server must not earn a burst above the cap.
  const Clock::time_point start = std::max(next_free_, now);
  const auto cost = std::chrono::nanoseconds(
      static_cast<int64_t>(static_cast<double>(n) * 1e9 / static_cast<double>(rate_)));
  next_free_ = start + cost;
  // Waiting for the start of this chunk's slot (not its end) lets the first chunk leave at once;
  // later chunks are spaced by the cost of those before them, which keeps the average exact.
  return !cv_.wait_until(lock, start, [this] { return stopped_; });
}

void RateLimiter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

}  // namespace peerlink::peer_server
