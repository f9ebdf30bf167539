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
  if (out_pos_ > 0 && out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  if (out_.size() - out_pos_ + data.size() > limit) return false;
  out_.append(data);
  queued_total_ += data.size();
  dirty = true;
  return true;
}

bool Connection::flush() {
  dirty = false;
  while (out_pos_ < out_.size()) {
    ssize_t n = ::send(fd_.get(), out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    out_pos_ += static_cast<size_t>(n);
    sent_total_ += static_cast<uint64_t>(n);
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
    if (out_.capacity() > (1u << 16)) out_.shrink_to_fit();  // a burst's memory goes back
  } else if (out_pos_ > (1u << 16) && out_pos_ > out_.size() / 2) {
    out_.erase(0, out_pos_);  // keep memory bounded by what is really pending
    out_pos_ = 0;
  }
  return true;
}

}  // namespace peerlink::broker
