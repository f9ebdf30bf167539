// The signals the lobby handles itself: Ctrl-C / SIGTERM / SIGHUP leave cleanly (saying BYE and
// restoring the terminal) and SIGCONT re-enters raw terminal mode after a Ctrl-Z.
#pragma once

namespace peerlink {

// Installs the handlers (without SA_RESTART, so a blocking poll() returns EINTR and the lobby
// notices at once). Handlers only set flags; exec resets them to the defaults.
void install_lobby_signals();

// True once if SIGINT, SIGTERM or SIGHUP arrived since the last call.
bool take_quit_signal();

// True once if SIGCONT arrived since the last call.
bool take_continue_signal();

}  // namespace peerlink
