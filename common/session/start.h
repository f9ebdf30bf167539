// What both session programs (_peer_server and _peer_client in session mode) do first, in an
// order that matters, before any thread exists.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"

namespace peerlink {

// Built first thing in a session program's run(): takes the session token from `secret_fd`
// (its descriptor is closed before anything could leak it into another program), then blocks
// the stop signals (every thread made afterwards inherits the mask), ignores SIGPIPE (a closed
// stdout must not kill the session) and opens the console. Lives as long as the session: the
// signals and the console are used by reference throughout.
struct SessionStart {
  explicit SessionStart(int secret_fd);
  SessionStart(const SessionStart&) = delete;
  SessionStart& operator=(const SessionStart&) = delete;

  const Expected<std::string> taken;  // the token, or why there is none
  const std::string token;            // the token, empty if there is none
  StopSignals signals;
  Console console;
};

}  // namespace peerlink
