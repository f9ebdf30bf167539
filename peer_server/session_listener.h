// _peer_server: waits on the inherited listening socket for the one peer holding the token.
#pragma once

#include <chrono>
#include <string>

#include "common/fd.h"
#include "common/terminal.h"

namespace peerlink {

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
  // True with *out filled once the right peer is in; false with *error after `deadline`.
  bool wait(Clock::time_point deadline, Accepted* out, std::string* error);

 private:
  UniqueFd listener_;
  const std::string token_;
  const std::string own_name_;
  Console* const console_;
};

}  // namespace peerlink
