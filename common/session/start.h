// What both session programs (_peer_server and _peer_client in session mode) do first, in an
// order that matters, before any thread exists.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/handoff/session_secret.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"

namespace peerlink {

// Built first thing in a session program's run(): takes the session secret (the token and the
// user's identity key, common/handoff/session_secret.h) from `secret_fd` (its descriptor is
// closed before anything could leak it into another program), then blocks the stop signals
// (every thread made afterwards inherits the mask), ignores SIGPIPE (a closed stdout must not
// kill the session) and opens the console. Lives as long as the session: the signals and the
// console are used by reference throughout.
struct SessionStart {
  explicit SessionStart(int secret_fd);
  ~SessionStart();  // wipes the private key
  SessionStart(const SessionStart&) = delete;
  SessionStart& operator=(const SessionStart&) = delete;

  const Result taken;        // ok, or why there is no secret ("no session token (...)")
  std::string token;         // the token, empty if there is none
  X25519KeyPair identity{};  // this user's static key pair (zero if there is none)
  StopSignals signals;
  Console console;

 private:
  explicit SessionStart(Expected<SessionSecret> secret);
};

}  // namespace peerlink
