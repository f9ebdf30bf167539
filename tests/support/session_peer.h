// Test harness: a scripted session peer that speaks Noise to a real _peer_server (or listens for
// a real _peer_client), then frames inside the transport, for tests that play one side by hand
// (a hostile peer, a wrong key, replayed or tampered transport messages).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/crypto/x25519.h"
#include "common/noise/stream.h"
#include "common/wire/frame.h"
#include "tests/support/process.h"

namespace peerlink::testing {

class SessionPeer {
 public:
  struct Options {
    std::optional<X25519KeyPair> key;  // this side's static key; default test_identity("alice")
    std::string prologue = kPrologueSession;
    // A small receive buffer keeps the other side from getting far ahead of what the test read.
    bool small_receive_buffer = false;
    milliseconds timeout = kDefaultWait;  // for connecting and the handshake
  };

  // The initiator: connects to 127.0.0.1:`port` and runs the XX handshake.
  explicit SessionPeer(uint16_t port) : SessionPeer(port, Options()) {}
  SessionPeer(uint16_t port, Options options);
  // The responder on an accepted connection `fd` (facing a real _peer_client).
  static std::unique_ptr<SessionPeer> accept(UniqueFd fd, Options options);

  // Connected and the handshake done.
  bool ok() const { return fd_.valid() && stream_ != nullptr && stream_->established(); }
  // Why not, if !ok() ("connection closed", "noise: ...").
  const std::string& error() const { return error_; }
  int fd() const { return fd_.get(); }
  // The other side's static key (once the handshake got that far).
  const X25519Key& remote_key() const { return stream_->remote_static(); }

  // A frame, or plaintext bytes, sealed and sent.
  bool send(uint8_t type, std::string_view payload);
  bool send_raw(std::string_view plain);
  // The transport messages (framed) of `plain`, sealed but not sent: the next nonce(s) are used.
  std::string seal(std::string_view plain);
  // Bytes written to the socket as they are (a replayed or tampered message).
  bool send_wire(std::string_view bytes);

  // The next frame, or nullopt on timeout, end of stream, a message that does not authenticate or
  // a malformed stream.
  std::optional<Frame> next(milliseconds timeout = kDefaultWait);
  // The first frame of `type`, skipping others; nullopt on timeout or end of stream.
  std::optional<Frame> next_of(uint8_t type, milliseconds timeout = kDefaultWait);
  // HELLO with `token` as `name`; true if WELCOME `welcome_from` comes back.
  bool hello(const std::string& token, const std::string& name = "alice",
             const std::string& welcome_from = "bob");
  // True if the other side closes within `timeout` (frames on the way are dropped). We then
  // close too, as a well-behaved peer does, so the other side need not wait for us.
  bool closed(milliseconds timeout = kDefaultWait);

  // The other side closed its end (what next() saw last was end of stream).
  bool at_end() const { return eof_; }

  // Every byte read from the socket so far, as it came (ciphertext after the handshake).
  const std::string& wire_received() const { return wire_received_; }

 private:
  SessionPeer() = default;
  void handshake(NoiseRole role, const Options& options);
  // One recv() into the stream; false at end of stream or on a failure (error_ says).
  bool receive_once(milliseconds timeout);

  UniqueFd fd_;
  X25519KeyPair key_;
  std::unique_ptr<NoiseStream> stream_;
  FrameDecoder decoder_;
  std::string error_;
  std::string wire_received_;
  bool eof_ = false;
  bool failed_ = false;  // the stream failed (or the test stopped decoding): bytes are dropped
};

}  // namespace peerlink::testing
