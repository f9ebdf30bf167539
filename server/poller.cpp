// A thin owner of one epoll instance.
#include "server/poller.h"

#include <cerrno>

namespace peerlink::broker {

Poller::Poller() : epfd_(::epoll_create1(EPOLL_CLOEXEC)) {}

static epoll_event make_event(uint64_t tag, bool want_write) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0u);
  ev.data.u64 = tag;
  return ev;
}

bool Poller::add(int fd, uint64_t tag, bool want_write) {
  epoll_event ev = make_event(tag, want_write);
  return ::epoll_ctl(epfd_.get(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool Poller::modify(int fd, uint64_t tag, bool want_write) {
  epoll_event ev = make_event(tag, want_write);
  return ::epoll_ctl(epfd_.get(), EPOLL_CTL_MOD, fd, &ev) == 0;
}

void Poller::remove(int fd) { ::epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr); }

int Poller::wait(std::vector<epoll_event>* events, int timeout_ms) {
  int n = ::epoll_wait(epfd_.get(), events->data(), static_cast<int>(events->size()), timeout_ms);
  if (n < 0) return 0;  // EINTR: the caller loops
  return n;
}

}  // namespace peerlink::broker
