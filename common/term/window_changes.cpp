// Window size changes (SIGWINCH) as a readable fd.
#include "common/term/window_changes.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace peerlink {
namespace {

int g_pipe[2] = {-1, -1};

void on_window_change(int) {
  const int saved = errno;  // write() must not change errno under the interrupted code
  if (g_pipe[1] >= 0) [[maybe_unused]]
    ssize_t w = ::write(g_pipe[1], "x", 1);
  errno = saved;
}

}  // namespace

int window_change_fd() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Non-blocking both ways: a full pipe already says "changed", and draining stops when empty.
    if (::pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
      g_pipe[0] = g_pipe[1] = -1;
      return;
    }
    struct sigaction sa {};
    sa.sa_handler = on_window_change;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGWINCH, &sa, nullptr);
  });
  return g_pipe[0];
}

bool take_window_change() {
  if (g_pipe[0] < 0) return false;
  bool any = false;
  char buf[64];
  while (::read(g_pipe[0], buf, sizeof buf) > 0) any = true;
  return any;
}

}  // namespace peerlink
