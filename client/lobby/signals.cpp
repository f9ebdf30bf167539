// The signals the lobby handles itself.
#include "client/lobby/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace peerlink::lobby {
namespace {

// Signal handlers can only talk to the program through flags like these, and a pipe: a flag
// alone set just after the loop checked it and before poll() began would wait for the next
// wake-up; the byte in the pipe makes that poll() return at once.
volatile sig_atomic_t g_quit = 0;
volatile sig_atomic_t g_continue = 0;
volatile sig_atomic_t g_resize = 0;
int g_pipe[2] = {-1, -1};

void poke() {
  const int saved = errno;  // write() must not change errno under the interrupted code
  if (g_pipe[1] >= 0) [[maybe_unused]]
    ssize_t w = ::write(g_pipe[1], "x", 1);
  errno = saved;
}

void on_quit(int) {
  g_quit = 1;
  poke();
}
void on_continue(int) {
  g_continue = 1;
  poke();
}

void on_resize(int) {
  g_resize = 1;
  poke();
}

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

void install_lobby_signals() {
  // Non-blocking both ways: a full pipe already wakes the loop, and draining stops when empty.
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) g_pipe[0] = g_pipe[1] = -1;
  install(SIGINT, on_quit);
  install(SIGTERM, on_quit);
  install(SIGHUP, on_quit);
  install(SIGCONT, on_continue);
  install(SIGWINCH, on_resize);
  // A blocked mask survives exec: whatever started us (a peer program that failed to restore
  // its mask, a script) must not leave the lobby deaf to Ctrl-C. A signal pending from before
  // reaches the handlers just installed.
  sigset_t ours;
  sigemptyset(&ours);
  sigaddset(&ours, SIGINT);
  sigaddset(&ours, SIGTERM);
  sigaddset(&ours, SIGHUP);
  sigaddset(&ours, SIGCONT);
  ::sigprocmask(SIG_UNBLOCK, &ours, nullptr);
}

int lobby_signal_fd() { return g_pipe[0]; }

void drain_lobby_signal_fd() {
  char buf[64];
  while (g_pipe[0] >= 0 && ::read(g_pipe[0], buf, sizeof buf) > 0) {
  }
}

bool take_quit_signal() {
  if (g_quit == 0) return false;
  g_quit = 0;
  return true;
}

bool take_continue_signal() {
  if (g_continue == 0) return false;
  g_continue = 0;
  return true;
}

bool take_resize_signal() {
  if (g_resize == 0) return false;
  g_resize = 0;
  return true;
}

}  // namespace peerlink::lobby
