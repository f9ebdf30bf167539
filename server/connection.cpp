// One broker client connection.
#include "server/connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "common/base/hex.h"
#include "common/net/net.h"

namespace peerlink::broker {

Connection::Connection(uint64_t id, UniqueFd fd, std::string ip, uint16_t port)
    : id_(id), fd_(std::move(fd)), ip_(std::move(ip)), label_(host_port(ip_, port)) {
  connected_at = std::chrono::steady_clock::now();
}

void Connection::use_noise(const X25519KeyPair& key) {
  transport_ = Transport::kNoise;
  noise_ = std::make_unique<NoiseStream>(NoiseRole::kResponder, kPrologueBroker, key);
}

Result Connection::take_noise(const char* data, size_t len, size_t* wire_queued) {
  *wire_queued = 0;
  scratch_.clear();
  std::string answer;
  Result r = noise_->on_wire(data, len, &answer, &scratch_);
  // Plaintext decrypted before a failure in the same read is not used: the connection closes.
  if (!r) return r;
  if (!answer.empty()) {
    out_.append(answer);
    wire_queued_ += answer.size();
    *wire_queued = answer.size();
  }
  if (!scratch_.empty()) in_.append(scratch_.data(), scratch_.size());
  scratch_.clear();
  scratch_.shrink_to_fit();
  return r;
}

std::string Connection::noise_key_hex() const {
  if (transport_ != Transport::kNoise || !noise_->has_remote_static()) return "";
  const X25519Key& key = noise_->remote_static();
  return to_hex(key.data(), key.size());
}

bool Connection::queue(const std::string& data, size_t limit) {
  if (pending_output() > limit || data.size() > limit - pending_output()) return false;
  if (transport_ == Transport::kNoise) {
    plain_out_.append(data);
  } else {
    out_.append(data);
    wire_queued_ += data.size();
  }
  queued_total_ += data.size();
  dirty = true;
  return true;
}

bool Connection::flush() {
  dirty = false;
  if (transport_ == Transport::kNoise && noise_->established() && !plain_out_.empty()) {
    // Everything pending in as few messages as the 65519-byte limit allows.
    while (!plain_out_.empty()) {
      const size_t n = std::min(plain_out_.size(), NoiseStream::kMaxPlaintextBytes);
      scratch_.clear();
      if (!noise_->seal(plain_out_.data(), n, &scratch_)) {
        errno = EOVERFLOW;
        return false;
      }
      out_.append(scratch_);
      plain_out_.consume(n);
      wire_queued_ += scratch_.size();
      sealed_plain_ += n;
      sealed_.push_back({wire_queued_, sealed_plain_});
    }
    plain_out_.release_if_over(1u << 16);
    scratch_.clear();
    if (scratch_.capacity() > (1u << 17)) scratch_.shrink_to_fit();
  }
  while (!out_.empty()) {
    ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    out_.consume(static_cast<size_t>(n));
    wire_sent_ += static_cast<uint64_t>(n);
    if (transport_ != Transport::kNoise) sent_total_ += static_cast<uint64_t>(n);
  }
  while (!sealed_.empty() && sealed_.front().first <= wire_sent_) {
    sent_total_ = sealed_.front().second;
    sealed_.pop_front();
  }
  out_.release_if_over(1u << 16);  // all written: a burst's memory goes back
  return true;
}

}  // namespace peerlink::broker
