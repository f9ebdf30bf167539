// The end of a peer program: report why the session ended, then return to the lobby `_c`.
#pragma once

#include <string>
#include <vector>

#include "common/handoff/peer_args.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"

namespace peerlink {

// argv of the lobby to return to (docs/HANDOFF.md, "Back to the lobby"), args.lobby().to_argv():
// {"_c", server, server-port, "--user", user, "--share", share, "--downloads", downloads}.
std::vector<std::string> lobby_argv(const PeerArgs& args);

// Prints "session ended: <reason>". With --no-lobby, or once SIGTERM/SIGHUP has come
// (`signals->leave_program()`, also for one still pending now), exits: status 0 if `clean`,
// else 1. Otherwise prints "returning to the lobby", puts the signal mask back
// (`signals->restore()`: a blocked mask would survive exec, and the lobby could no longer be
// left with Ctrl-C) and execs <self_dir()>/_c with lobby_argv(); if that fails, says why and
// exits 1. The caller must have joined its threads and closed its sockets (they are
// close-on-exec, but the peer must see the session end now, not at exec).
[[noreturn]] void leave_session(const PeerArgs& args, StopSignals* signals, bool clean,
                                const std::string& reason, Console* console);

}  // namespace peerlink
