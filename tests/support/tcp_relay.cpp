// Test harness: a recording, bit-flipping relay on loopback.
#include "tests/support/tcp_relay.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/net/net.h"

namespace peerlink::testing {

TcpRelay::TcpRelay(uint16_t target) : target_(target), wake_(::eventfd(0, EFD_CLOEXEC)) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  if (!l) return;
  listener_ = std::move(*l);
  port_ = local_port(listener_.get());
  thread_ = std::thread([this] { loop(); });
}

TcpRelay::~TcpRelay() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t w = ::write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
}

void TcpRelay::flip(Direction d, size_t offset, uint8_t mask) {
  std::lock_guard<std::mutex> lock(mu_);
  flips_.push_back({d, offset, mask});
}

std::string TcpRelay::recorded(Direction d) const {
  std::lock_guard<std::mutex> lock(mu_);
  return recorded_[static_cast<int>(d)];
}

bool TcpRelay::pump(Pair* p, Direction d) {
  const int i = static_cast<int>(d);
  const int from = d == Direction::kToServer ? p->client.get() : p->server.get();
  const int to = d == Direction::kToServer ? p->server.get() : p->client.get();
  char buf[65536];
  const ssize_t n = ::recv(from, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) {  // EOF or a reset: pass the half-close on
    ::shutdown(to, SHUT_WR);
    p->open[i] = false;
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Flip& f : flips_) {
      if (f.d == d && f.offset >= p->sent[i] && f.offset < p->sent[i] + static_cast<size_t>(n))
        buf[f.offset - p->sent[i]] = static_cast<char>(buf[f.offset - p->sent[i]] ^ f.mask);
    }
    recorded_[i].append(buf, static_cast<size_t>(n));
  }
  p->sent[i] += static_cast<size_t>(n);
  size_t off = 0;
  while (off < static_cast<size_t>(n)) {  // blocking sockets: a full buffer waits here
    const ssize_t w = ::send(to, buf + off, static_cast<size_t>(n) - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      p->open[0] = p->open[1] = false;
      return false;
    }
    off += static_cast<size_t>(w);
  }
  return true;
}

void TcpRelay::loop() {
  for (;;) {
    std::vector<pollfd> fds = {{wake_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    for (Pair& p : pairs_) {
      fds.push_back({p.open[0] ? p.client.get() : -1, POLLIN, 0});
      fds.push_back({p.open[1] ? p.server.get() : -1, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    const size_t known = pairs_.size();  // a pair added below has no pollfd this turn
    for (size_t k = 0; k < known; ++k) {
      Pair& p = pairs_[k];
      if (fds[2 + 2 * k].revents != 0) pump(&p, Direction::kToServer);
      if (fds[3 + 2 * k].revents != 0) pump(&p, Direction::kToClient);
    }
    if (fds[1].revents != 0) {
      UniqueFd c(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c) continue;
      Expected<UniqueFd> s = connect_tcp("127.0.0.1", target_);
      if (!s) continue;  // the client sees the close
      connections_.fetch_add(1);
      Pair p;
      p.client = std::move(c);
      p.server = std::move(*s);
      pairs_.push_back(std::move(p));
    }
  }
}

}  // namespace peerlink::testing
