// Terminal mode switching for the lobby and the session.
#include "common/term/terminal_mode.h"

#include <cerrno>

namespace peerlink {
namespace {

int set_attr(int fd, const termios& t) {
  for (;;) {
    int rc = ::tcsetattr(fd, TCSANOW, &t);
    if (rc == 0 || errno != EINTR) return rc;
  }
}

}  // namespace

bool TerminalMode::enter_raw() {
  if (!have_saved_) {
    if (::tcgetattr(fd_, &saved_) != 0) return false;
    have_saved_ = true;
  }
  termios t = saved_;
  t.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (set_attr(fd_, t) != 0) return false;
  raw_ = true;
  return true;
}

void TerminalMode::restore() {
  if (!raw_) return;
  set_attr(fd_, saved_);
  raw_ = false;
}

}  // namespace peerlink
