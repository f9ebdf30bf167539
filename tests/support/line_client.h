// Test harness: a raw broker-protocol client over a blocking socket: in plaintext (what `nc`
// would do, for a broker in teaching mode) or inside Noise (what the lobby does, minus the lobby).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/fd.h"
#include "common/crypto/x25519.h"
#include "common/noise/channel.h"
#include "common/wire/line_codec.h"

namespace peerlink::testing {

class LineClient {
 public:
  // Connects to 127.0.0.1:port, plaintext. ok() is false if it could not.
  explicit LineClient(uint16_t port);
  // Wraps a socket already connected (e.g. one given a small SO_RCVBUF before connecting).
  explicit LineClient(UniqueFd connected) : fd_(std::move(connected)) {}
  // Connects and runs the Noise handshake (prologue "peerlink broker 1") as `key`; `check` sees
  // the broker's static key. ok() is false if either failed (handshake_error() says why).
  static std::unique_ptr<LineClient> encrypted(uint16_t port,
                                               const X25519KeyPair& key = x25519_generate(),
                                               NoiseChannel::KeyCheck check = {});
  bool ok() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  bool is_encrypted() const { return channel_ != nullptr; }
  const std::string& handshake_error() const { return handshake_error_; }
  // Encrypted: this client's static key pair, its public key in hex, the broker's key.
  const X25519KeyPair& key() const { return key_; }
  std::string key_hex() const;
  const X25519Key& broker_key() const { return channel_->remote_static(); }

  bool send_raw(const std::string& bytes);
  bool send(const std::string& line) { return send_raw(line + "\n"); }

  // Next line of any kind (reply or event), or nullopt on timeout/EOF.
  std::optional<std::string> next_line(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Next line that is not an EVENT (events met on the way are queued for next_event).
  std::optional<std::string> reply(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Next EVENT line containing `needle` (earlier non-matching events are dropped).
  std::optional<std::string> event(const std::string& needle,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and returns its reply line plus, for "OK X n" multi-line replies when
  // `multi` is true, the n following lines.
  std::vector<std::string> request(const std::string& line, bool multi = false);

  // HELLO + REGISTER name with a fixed key; true if OK REGISTERED.
  bool hello_register(const std::string& name, uint16_t peer_port = 40000);
  // True if the server closed the connection within `timeout` (reads and discards data).
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void close() {
    channel_.reset();
    fd_.reset();
  }

 private:
  LineClient() = default;
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // One read from the socket into in_ (decrypted when encrypted); false at EOF or on an error.
  bool receive();
  UniqueFd fd_;
  std::unique_ptr<NoiseChannel> channel_;  // encrypted: borrows fd_
  X25519KeyPair key_{};
  std::string handshake_error_;
  LineBuffer in_{1 << 20};
  std::deque<std::string> events_;
  bool eof_ = false;
};

inline const std::string kTestKey(64, 'a');

}  // namespace peerlink::testing
