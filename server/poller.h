// A thin owner of one epoll instance (level-triggered).
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

#include "common/base/fd.h"

namespace peerlink::broker {

// Owns the epoll fd. Each registered fd carries a 64-bit tag returned with its events.
class Poller {
 public:
  Poller();
  bool ok() const { return epfd_.valid(); }
  bool add(int fd, uint64_t tag, bool want_write);
  bool modify(int fd, uint64_t tag, bool want_write);
  void remove(int fd);
  // Waits up to timeout_ms (-1 forever); fills `events`. Returns the count (0 on EINTR/timeout).
  int wait(std::vector<epoll_event>* events, int timeout_ms);

 private:
  UniqueFd epfd_;
};

}  // namespace peerlink::broker
