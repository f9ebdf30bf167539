// A Noise connection over a blocking socket, for the peer programs and the lobby: the handshake
// with a deadline, then sending and receiving plaintext. Built on NoiseStream.
//
// Threads: one thread may send while another receives (they use separate cipher states and
// buffers); two senders, or two receivers, must not run at once.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/stream.h"

namespace peerlink {

class NoiseChannel {
 public:
  // Checks the peer's static key as soon as it is known (the initiator before it reveals its
  // own); a failure ends the handshake with that Result.
  using KeyCheck = std::function<Result(const X25519Key& remote_static)>;

  struct Setup {
    NoiseRole role = NoiseRole::kInitiator;
    std::string_view prologue;
    const X25519KeyPair* local_static = nullptr;
    KeyCheck check;          // empty: any key is accepted (the caller checks remote_static())
    int timeout_ms = 10000;  // for the whole handshake
    int cancel_fd = -1;      // if it becomes readable, the handshake stops (kCancelled)
  };

  // Runs the handshake on `fd` (a connected socket, blocking or not; it is left as it was). The
  // channel borrows `fd`: the caller keeps it open for the channel's life. A failure says what
  // happened ("noise handshake: ...", timed out, closed, the KeyCheck's own message).
  static Expected<std::unique_ptr<NoiseChannel>> handshake(int fd, const Setup& setup);

  // Wraps a stream that finished its handshake elsewhere (the session listener, which runs
  // handshakes of several strangers at once). `already_plain` is plaintext it received with it.
  NoiseChannel(int fd, std::unique_ptr<NoiseStream> stream, std::string already_plain = {});

  const X25519Key& remote_static() const { return stream_->remote_static(); }
  int fd() const { return fd_; }

  // Encrypts and writes all `len` bytes (as send_all: loops over short writes; a blocking fd's
  // SO_SNDTIMEO applies). Thread: the one sender.
  Result send(const void* data, size_t len);
  Result send(std::string_view s) { return send(s.data(), s.size()); }

  // One recv() on the socket; decrypted plaintext (maybe none yet: a message can arrive in parts)
  // is appended to *plain. kClosed at end of stream; a message that does not authenticate is
  // kError, and the connection must then be closed. Thread: the one receiver.
  Result receive(std::string* plain);
  // Plaintext received but not yet taken by recv_some()/recv_exact().
  size_t buffered() const { return plain_.size() - plain_read_; }
  // Like recv_some()/recv_exact() in common/base/io.h, over the decrypted stream: at least one
  // byte (blocking until a whole message is in), or exactly `len` bytes.
  Result recv_some(void* data, size_t cap, size_t* got);
  Result recv_exact(void* data, size_t len);

 private:
  int fd_;
  std::unique_ptr<NoiseStream> stream_;
  std::string out_;    // sender's scratch
  std::string plain_;  // receiver's decrypted bytes not yet taken
  size_t plain_read_ = 0;
  std::string wire_;  // receiver's scratch (handshake answers; empty once established)
};

}  // namespace peerlink
