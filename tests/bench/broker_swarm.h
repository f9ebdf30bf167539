// Benchmark helper: many plaintext broker clients on one epoll loop. Each reads and discards what
// it receives, counting reply lines (anything but EVENT lines), so thousands of clients can
// register, announce and drain their events without a thread or a line queue each.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/base/fd.h"

namespace peerlink::testing {

class Swarm {
 public:
  // Connects `n` clients to 127.0.0.1:port; `rcvbuf` > 0 sets a small receive window first.
  Swarm(uint16_t port, int n, int rcvbuf = 0) : ep_(::epoll_create1(EPOLL_CLOEXEC)) {
    for (int i = 0; i < n; ++i) {
      UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (rcvbuf > 0) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(port);
      sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) break;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(clients_.size());
      ::epoll_ctl(ep_.get(), EPOLL_CTL_ADD, fd.get(), &ev);
      clients_.push_back(Client{std::move(fd), 0, 0, true, false});
    }
  }
  size_t size() const { return clients_.size(); }

  // Sends `bytes` to client i (blocking), reading everyone's input meanwhile if it must wait.
  bool send(size_t i, const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(clients_[i].fd.get(), bytes.data() + off, bytes.size() - off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
      pump(10);
    }
    return true;
  }
  // Reads until clients [from, to) have each seen `replies` reply lines in all; false on timeout.
  bool wait_replies(size_t from, size_t to, uint64_t replies, std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    for (size_t i = from; i < to;) {
      if (clients_[i].replies >= replies || clients_[i].closed) {
        ++i;
        continue;
      }
      if (std::chrono::steady_clock::now() > end) return false;
      pump(50);
    }
    return true;
  }
  // Clients [from, to) are no longer read (their input stays in the kernel).
  void stop_reading(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (!clients_[i].reading) continue;
      ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, clients_[i].fd.get(), nullptr);
      clients_[i].reading = false;
    }
  }
  uint64_t replies(size_t i) const { return clients_[i].replies; }
  uint64_t bytes_read() const { return bytes_; }

 private:
  struct Client {
    UniqueFd fd;
    uint64_t replies = 0;
    uint64_t head = 0;      // bytes of the current line seen so far (up to 5)
    bool at_event = false;  // the current line starts with "EVENT"
    bool reading = true;
    bool closed = false;
  };
  void pump(int timeout_ms) {
    epoll_event evs[256];
    int n = ::epoll_wait(ep_.get(), evs, 256, timeout_ms);
    char buf[65536];
    for (int k = 0; k < n; ++k) {
      Client& c = clients_[evs[k].data.u32];
      ssize_t got = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
        c.closed = true;
        ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
        continue;
      }
      if (got < 0) continue;
      bytes_ += static_cast<uint64_t>(got);
      count(c, buf, static_cast<size_t>(got));
    }
  }
  static void count(Client& c, const char* p, size_t n) {
    static const char kEvent[] = "EVENT";
    for (size_t i = 0; i < n; ++i) {
      if (p[i] == '\n') {
        if (!c.at_event) ++c.replies;
        c.head = 0;
        c.at_event = false;
        continue;
      }
      if (c.head < 5) {
        c.at_event = (c.head == 0 || c.at_event) && p[i] == kEvent[c.head];
        ++c.head;
      }
    }
  }
  UniqueFd ep_;
  std::vector<Client> clients_;
  uint64_t bytes_ = 0;
};

}  // namespace peerlink::testing
