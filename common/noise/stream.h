// A Noise connection as a byte stream, without I/O: the XX handshake, then transport messages,
// each Noise message framed by a 2-byte big-endian length (revision 34, section 13). The caller
// moves bytes between the socket and on_wire()/seal(); this class never reads or writes a socket,
// so the broker's epoll loop and the peer programs' blocking code share it.
//
// Wire format (docs/PROTOCOL.md, "Encryption"):
//   frame   = length (2 bytes, big endian, 1..65535) | Noise message
//   1st     = initiator's `-> e` (32 bytes, empty payload; any other length is refused)
//   2nd     = responder's `<- e, ee, s, es` (96 bytes)
//   3rd     = initiator's `-> s, se` (64 bytes)
//   then    transport messages: ciphertext of 0..65519 plaintext bytes + 16-byte tag
// The plaintext is one byte stream per direction, cut anywhere; the nonce counts messages.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/buffer.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/handshake_state.h"

namespace peerlink {

// The prologues of this project's three kinds of connection (ASCII, no terminator).
inline constexpr char kPrologueBroker[] = "peerlink broker 1";
inline constexpr char kPrologueSession[] = "peerlink session 1";
inline constexpr char kPrologueServe[] = "peerlink serve 1";

class NoiseStream {
 public:
  static constexpr size_t kMaxMessageBytes = 65535;
  static constexpr size_t kMaxPlaintextBytes = kMaxMessageBytes - CipherState::kTagBytes;  // 65519
  static constexpr size_t kLengthBytes = 2;

  NoiseStream(NoiseRole role, std::string_view prologue, const X25519KeyPair& local_static);
  ~NoiseStream();
  NoiseStream(const NoiseStream&) = delete;
  NoiseStream& operator=(const NoiseStream&) = delete;

  // The initiator's first message, framed, appended to *wire_out. Call once, initiator only.
  Result start(std::string* wire_out);

  // Takes bytes received from the socket. Handshake messages are processed (and the answer, if
  // this side writes next, appended framed to *wire_out); transport messages are decrypted and
  // their plaintext appended to *plain_out. Any failure (a zero length, a handshake that does not
  // verify, a transport message that does not authenticate) is final: the caller closes the
  // connection at once. Holds at most one partial frame between calls.
  Result on_wire(const char* data, size_t len, std::string* wire_out, std::string* plain_out);

  // The handshake is complete on this side: seal() may be called.
  bool established() const { return established_; }
  // The peer's static key is known (initiator: after message 2; responder: after message 3),
  // before the answer is sent: check it before writing what on_wire() gave.
  bool has_remote_static() const;
  const X25519Key& remote_static() const;

  // Encrypts `len` bytes into framed transport messages of at most 65519 plaintext bytes each,
  // appended to *wire_out. Fails only when the nonce is exhausted (2^64 - 1 messages).
  Result seal(const char* data, size_t len, std::string* wire_out);
  // The wire bytes seal() makes of `len` plaintext bytes.
  static size_t sealed_size(size_t len);

 private:
  Result fail(Result why);
  Result on_message(std::string_view message, std::string* wire_out, std::string* plain_out);
  Result write_handshake(std::string* wire_out);
  // The length the next handshake message must have (empty payloads).
  size_t expected_handshake_bytes() const;

  std::unique_ptr<HandshakeState> handshake_;
  CipherState send_;
  CipherState receive_;
  bool established_ = false;
  // Set by a failure on either side; read by the other thread's seal() (one sends, one receives).
  std::atomic<bool> failed_{false};
  X25519Key remote_static_{};
  bool has_remote_static_ = false;
  Buffer in_;
  std::string message_;  // scratch for one decrypted message
};

}  // namespace peerlink
