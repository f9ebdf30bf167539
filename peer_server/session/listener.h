// _peer_server: waits on the inherited listening socket for the one peer holding the token.
#pragma once

#include <cerrno>
#include <chrono>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/term/terminal.h"

namespace peerlink::peer_server {

// Accepts connections until one sends a HELLO whose token matches (compared in constant time),
// answers it WELCOME and hands the connection over. Any other connection gets an ERROR frame
// ("bad token", or "no HELLO in time" if it stays silent) and is closed, and waiting goes
// on: a stray or hostile connection cannot take the session, and several of them at once cannot
// hold it up, since each gets kHelloTime and they are served side by side. Owns the listening
// socket and closes it when done.
class SessionListener {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kHelloTime{5000};
  static constexpr size_t kMaxPending = 16;         // connections that have not said HELLO yet
  static constexpr uint32_t kMaxHelloBytes = 4096;  // a bigger first frame is refused unread

  // `console` gets one line per refused connection.
  SessionListener(UniqueFd listener, std::string token, std::string own_name, Console* console);

  struct Accepted {
    UniqueFd fd;             // nothing after HELLO has been read from it
    std::string hello_name;  // the user name in HELLO (untrusted)
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
  Console* const console_;
};

}  // namespace peerlink::peer_server
