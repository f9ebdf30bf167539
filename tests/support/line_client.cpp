// Test harness: raw broker-protocol client.
#include "tests/support/line_client.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/net/net.h"
#include "tests/support/noise_peer.h"

namespace peerlink::testing {

LineClient::LineClient(uint16_t port) {
  auto r = connect_tcp("127.0.0.1", port, 5000);
  if (r.ok()) fd_ = std::move(*r);
}

std::unique_ptr<LineClient> LineClient::encrypted(uint16_t port, const X25519KeyPair& key,
                                                  NoiseChannel::KeyCheck check) {
  std::unique_ptr<LineClient> c(new LineClient());
  c->key_ = key;
  Expected<NoisePeer> peer = noise_connect(port, kPrologueBroker, key, std::move(check));
  if (!peer.ok()) {
    c->handshake_error_ = peer.message();
    return c;
  }
  c->fd_ = std::move(peer->fd);
  c->channel_ = std::move(peer->channel);
  return c;
}

std::string LineClient::key_hex() const {
  return to_hex(key_.public_key.data(), key_.public_key.size());
}

bool LineClient::send_raw(const std::string& bytes) {
  if (!fd_.valid()) return false;
  if (channel_) return channel_->send(bytes).ok();
  return send_all(fd_.get(), bytes).ok();
}

std::optional<std::string> LineClient::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  for (;;) {
    if (in_.next(&line) == LineBuffer::Result::kLine) return line;
    if (eof_ || !fd_.valid()) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (!wait_readable(fd_.get(), static_cast<int>(left.count())).ok()) return std::nullopt;
    if (!receive()) eof_ = true;
  }
}

bool LineClient::receive() {
  if (channel_) {
    std::string plain;
    if (!channel_->receive(&plain).ok()) return false;  // closed, or a message that failed
    in_.append(plain.data(), plain.size());
    return true;
  }
  char buf[65536];
  size_t got = 0;
  if (!recv_some(fd_.get(), buf, sizeof buf, &got).ok()) return false;
  in_.append(buf, got);
  return true;
}

std::optional<std::string> LineClient::next_line(std::chrono::milliseconds timeout) {
  if (!events_.empty()) {
    std::string e = events_.front();
    events_.pop_front();
    return e;
  }
  return read_line(timeout);
}

std::optional<std::string> LineClient::reply(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = read_line(std::max(left, std::chrono::milliseconds(0)));
    if (!line) return std::nullopt;
    if (line->rfind("EVENT", 0) == 0) {
      events_.push_back(*line);
      continue;
    }
    return line;
  }
}

std::optional<std::string> LineClient::event(const std::string& needle,
                                             std::chrono::milliseconds timeout) {
  while (!events_.empty()) {
    std::string e = events_.front();
    events_.pop_front();
    if (e.find(needle) != std::string::npos) return e;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = read_line(std::max(left, std::chrono::milliseconds(0)));
    if (!line) return std::nullopt;
    if (line->rfind("EVENT", 0) == 0 && line->find(needle) != std::string::npos) return line;
  }
}

std::vector<std::string> LineClient::request(const std::string& line, bool multi) {
  std::vector<std::string> out;
  if (!send(line)) return out;
  auto r = reply();
  if (!r) return out;
  out.push_back(*r);
  if (multi && r->rfind("OK ", 0) == 0) {
    auto fields = split_fields(*r);
    long n = fields.size() >= 3 ? std::strtol(std::string(fields[2]).c_str(), nullptr, 10) : 0;
    for (long i = 0; i < n; ++i) {
      auto l = reply();
      if (!l) break;
      out.push_back(*l);
    }
  }
  return out;
}

bool LineClient::hello_register(const std::string& name, uint16_t peer_port) {
  auto h = request("HELLO 1.0");
  if (h.empty() || h[0].rfind("OK HELLO", 0) != 0) return false;
  auto r = request("REGISTER " + name + " " + std::to_string(peer_port) + " " + kTestKey);
  return !r.empty() && r[0].rfind("OK REGISTERED " + name, 0) == 0;
}

bool LineClient::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (!wait_readable(fd_.get(), static_cast<int>(left.count())).ok()) return false;
    if (!receive()) eof_ = true;
  }
  return true;
}

}  // namespace peerlink::testing
