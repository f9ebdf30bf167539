// _peer_server: waits on the inherited listening socket for the one peer holding the token.
#pragma once

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/channel.h"
#include "common/term/terminal.h"

namespace peerlink::peer_server {

// Accepts connections until one completes the Noise XX handshake (responder, prologue
// kPrologueSession, as `identity`) with the static key the broker vouched for (`peer_key`), and
// then sends, inside the transport, a HELLO whose token matches (compared in constant time); it is
// answered WELCOME and handed over. Every connection's handshake runs on a NoiseStream in this one
// poll loop, so several strangers at once cannot hold each other up, and each has kHelloTime for
// its handshake and HELLO together. A connection whose handshake fails or that stays silent is
// closed; one with another key gets an ERROR "unknown key" and one with a bad token an ERROR "bad
// token" (both inside the transport) and is closed; waiting goes on. Each refusal prints one line
// on `console`. Owns the listening socket and closes it when done.
class SessionListener {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kHelloTime{5000};
  static constexpr size_t kMaxPending = 16;           // connections that have not said HELLO yet
  static constexpr size_t kMaxPendingPerAddress = 4;  // of those, from one IP address
  static constexpr uint32_t kMaxHelloBytes = 4096;    // a bigger first frame is refused unread

  struct Keys {
    X25519KeyPair identity;  // our static key pair
    X25519Key peer_key{};    // the initiator's static key the broker vouched for
  };

  SessionListener(UniqueFd listener, std::string token, std::string own_name, Keys keys,
                  Console* console);
  ~SessionListener();

  struct Accepted {
    UniqueFd fd;
    std::unique_ptr<NoiseChannel> channel;  // established, over fd
    std::string hello_name;                 // the user name in HELLO (untrusted)
    std::string after_hello;                // plaintext that came behind HELLO, for the session
  };
  // Waits for the right peer until `deadline`, or until `cancel_fd` (if not -1; the stop signals'
  // StopSignals::fd()) is readable. Every other connection is closed when it returns. Without a
  // peer, the failure is Result::timed_out() when `deadline` passed, is Result::cancelled()
  // when `cancel_fd` became readable (it is not read), and otherwise says why poll failed ("poll
  // failed: REASON").
  Expected<Accepted> wait(Clock::time_point deadline, int cancel_fd);

 private:
  UniqueFd listener_;
  const std::string token_;
  const std::string own_name_;
  Keys keys_;
  Console* const console_;
};

}  // namespace peerlink::peer_server
