// The work shared by a download's source connections.
#include "peer_client/fetch/queue.h"

#include <sys/socket.h>

#include <utility>

namespace peerlink::peer_client {

FetchQueue::Next FetchQueue::take(int taker, FetchUnit* unit, bool wait) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stopped_.load()) return Next::kNone;
    switch (queue_.take(taker, unit)) {
      case BlockQueue::Take::kUnit:
        return Next::kUnit;
      case BlockQueue::Take::kFinished:
        return Next::kFinished;
      case BlockQueue::Take::kWait:
        break;
    }
    if (!wait) return Next::kNone;
    // Woken by give_back() (a unit to take), written() (maybe the last) or stop().
    cv_.wait(lock);
  }
}

bool FetchQueue::claim(int taker, const FetchUnit& unit) {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.claim(taker, unit);
}

bool FetchQueue::written(const FetchUnit& unit) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t prefix = queue_.map().done_prefix_bytes();
  const bool block_complete = queue_.written(unit);
  if (queue_.map().complete() && !finished_.load()) {
    finished_.store(true);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  // Wake waiters when the last block is done (takers) or the prefix grows (the hasher).
  if (queue_.map().complete() || queue_.map().done_prefix_bytes() != prefix) cv_.notify_all();
  return block_complete;
}

bool FetchQueue::block_done(size_t block) const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.map().done(block);
}

uint64_t FetchQueue::wait_prefix(uint64_t have) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock,
           [&] { return queue_.map().done_prefix_bytes() > have || ended_ || stopped_.load(); });
  return queue_.map().done_prefix_bytes();
}

void FetchQueue::end() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
  }
  cv_.notify_all();
}

void FetchQueue::give_back(int taker, const FetchUnit& unit) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.give_back(taker, unit);
  }
  cv_.notify_all();
}

void FetchQueue::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_.store(true);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
}

void FetchQueue::add_socket(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  sockets_.insert(fd);
  // A stop() (or the end) that came before the registration must still cut this connection.
  if (stopped_.load() || finished_.load()) ::shutdown(fd, SHUT_RDWR);
}

void FetchQueue::remove_socket(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  sockets_.erase(fd);
}

BlockMap FetchQueue::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.map();
}

}  // namespace peerlink::peer_client
