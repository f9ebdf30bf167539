// The signals the lobby handles itself.
#include "client/signals.h"

#include <signal.h>

namespace peerlink {
namespace {

// Signal handlers can only talk to the program through flags like these.
volatile sig_atomic_t g_quit = 0;
volatile sig_atomic_t g_continue = 0;

void on_quit(int) { g_quit = 1; }
void on_continue(int) { g_continue = 1; }

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

void install_lobby_signals() {
  install(SIGINT, on_quit);
  install(SIGTERM, on_quit);
  install(SIGHUP, on_quit);
  install(SIGCONT, on_continue);
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

}  // namespace peerlink
