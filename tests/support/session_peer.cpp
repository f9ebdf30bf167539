// Test harness: a scripted session peer speaking Noise.
#include "tests/support/session_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

#include "common/base/io.h"
#include "common/net/net.h"
#include "common/session/hello.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"

namespace peerlink::testing {

using Clock = std::chrono::steady_clock;

SessionPeer::SessionPeer(uint16_t port, Options options) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (options.small_receive_buffer) {
    int size = 32 * 1024;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    error_ = "cannot connect";
    return;
  }
  fd_ = std::move(fd);
  set_nodelay(fd_.get());  // message 3 and the first frame go out back to back
  handshake(NoiseRole::kInitiator, options);
}

std::unique_ptr<SessionPeer> SessionPeer::accept(UniqueFd fd, Options options) {
  std::unique_ptr<SessionPeer> peer(new SessionPeer());
  peer->fd_ = std::move(fd);
  peer->handshake(NoiseRole::kResponder, options);
  return peer;
}

void SessionPeer::handshake(NoiseRole role, const Options& options) {
  key_ = options.key ? *options.key : test_identity("alice");
  stream_ = std::make_unique<NoiseStream>(role, options.prologue, key_);
  std::string wire;
  if (role == NoiseRole::kInitiator) {
    if (Result r = stream_->start(&wire); !r || !send_wire(wire)) {
      error_ = "cannot send message 1";
      return;
    }
  }
  const auto deadline = Clock::now() + options.timeout;
  while (!stream_->established()) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      error_ = "handshake timed out";
      return;
    }
    if (!receive_once(left)) {
      if (error_.empty()) error_ = "connection closed during the handshake";
      return;
    }
  }
}

bool SessionPeer::receive_once(milliseconds timeout) {
  if (!wait_readable(fd_.get(), static_cast<int>(timeout.count())).ok()) return true;  // nothing
  char buf[65536];
  size_t got = 0;
  if (!recv_some(fd_.get(), buf, sizeof buf, &got).ok()) {
    eof_ = true;
    return false;
  }
  wire_received_.append(buf, got);
  if (failed_) return true;  // read and dropped: only the end of the stream is of interest now
  std::string answer, plain;
  if (Result r = stream_->on_wire(buf, got, &answer, &plain); !r) {
    error_ = r.message();
    failed_ = true;
    return false;
  }
  if (!answer.empty() && !send_wire(answer)) return false;
  decoder_.append(plain.data(), plain.size());
  return true;
}

bool SessionPeer::send(uint8_t type, std::string_view payload) {
  return send_raw(encode_frame(type, payload));
}

bool SessionPeer::send_raw(std::string_view plain) { return send_wire(seal(plain)); }

std::string SessionPeer::seal(std::string_view plain) {
  std::string wire;
  if (!stream_->seal(plain.data(), plain.size(), &wire)) return {};
  return wire;
}

bool SessionPeer::send_wire(std::string_view bytes) {
  return !bytes.empty() && send_all(fd_.get(), bytes.data(), bytes.size()).ok();
}

std::optional<Frame> SessionPeer::next(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    Frame f;
    const FrameDecoder::Result r = decoder_.next(&f);
    if (r == FrameDecoder::Result::kFrame) return f;
    if (r != FrameDecoder::Result::kNeedMore || failed_ || eof_) return std::nullopt;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (!receive_once(left)) return std::nullopt;
  }
}

std::optional<Frame> SessionPeer::next_of(uint8_t type, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::optional<Frame> f =
        next(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    if (!f || f->type == type) return f;
  }
  return std::nullopt;
}

bool SessionPeer::hello(const std::string& token, const std::string& name,
                        const std::string& welcome_from) {
  if (!send(wire::kHello, encode_hello(token, name))) return false;
  std::optional<Frame> f = next();
  return f && f->type == wire::kWelcome && f->payload == welcome_from;
}

bool SessionPeer::closed(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    failed_ = failed_ || !receive_once(left);
  }
  fd_.reset();
  return true;
}

}  // namespace peerlink::testing
