// The signals the lobby handles itself: Ctrl-C / SIGTERM / SIGHUP leave cleanly (saying BYE and
// restoring the terminal), SIGCONT re-enters raw terminal mode after a Ctrl-Z, and SIGWINCH
// (the window was resized) redraws the prompt at the new width.
#pragma once

namespace peerlink::lobby {

// Installs the handlers (without SA_RESTART, so a blocking poll() returns EINTR and the lobby
// notices at once). Handlers only set flags; exec resets them to the defaults.
void install_lobby_signals();

// Readable once a handled signal has arrived (-1 if its pipe could not be made): poll it with
// the rest, and drain it before taking the flags, so a signal that comes between the check of
// the flags and poll() still ends that poll() at once.
int lobby_signal_fd();
void drain_lobby_signal_fd();

// True once if SIGINT, SIGTERM or SIGHUP arrived since the last call.
bool take_quit_signal();

// True once if SIGCONT arrived since the last call.
bool take_continue_signal();

// True once if SIGWINCH arrived since the last call.
bool take_resize_signal();

}  // namespace peerlink::lobby
