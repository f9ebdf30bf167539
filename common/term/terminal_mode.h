// Terminal mode switching for the lobby and the session: non-canonical, no echo, restored reliably.
#pragma once

#include <termios.h>

namespace peerlink {

// Switches the terminal on `fd` to non-canonical mode without echo (signals stay on, so Ctrl-C
// still raises SIGINT), so the program (lobby or session) can edit the input line itself and redraw
// it under notifications. Restores the saved settings on restore() and when destroyed. Does not own
// `fd`.
class TerminalMode {
 public:
  explicit TerminalMode(int fd) : fd_(fd) {}
  ~TerminalMode() { restore(); }
  TerminalMode(const TerminalMode&) = delete;
  TerminalMode& operator=(const TerminalMode&) = delete;

  // Saves the current settings (the first time only) and enters raw mode. False if `fd` is not a
  // terminal or the settings cannot be changed.
  bool enter_raw();
  // Puts the saved settings back (no-op unless raw). Must run before exec and exit, or the
  // user's shell is left without echo.
  void restore();
  bool raw() const { return raw_; }

 private:
  int fd_;
  termios saved_{};
  bool have_saved_ = false;
  bool raw_ = false;
};

}  // namespace peerlink
