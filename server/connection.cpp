// One broker client connection.
#include "server/connection.h"

#include <sys/socket.h>

#include <cerrno>

#include "common/net/net.h"

namespace peerlink::broker {

Connection::Connection(uint64_t id, UniqueFd fd, std::string ip, uint16_t port)
    : id_(id), fd_(std::move(fd)), ip_(std::move(ip)), label_(host_port(ip_, port)) {
  connected_at = std::chrono::steady_clock::now();
}

bool Connection::queue(const std::string& data, size_t limit) {
  if (!out_.fits(data.size(), limit)) return false;
  out_.append(data);
  queued_total_ += data.size();
  dirty = true;
  return true;
}

bool Connection::flush() {
  dirty = false;
  while (!out_.empty()) {
    ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    out_.consume(static_cast<size_t>(n));
    sent_total_ += static_cast<uint64_t>(n);
  }
  out_.release_if_over(1u << 16);  // all written: a burst's memory goes back
  return true;
}

}  // namespace peerlink::broker
