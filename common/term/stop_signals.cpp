// The signals that stop a program: read from one signalfd, never by a handler.
#include "common/term/stop_signals.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

namespace peerlink {

StopSignals::StopSignals(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : signals) sigaddset(&set, sig);
  sigemptyset(&old_mask_);
  const int blocked = ::pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  if (blocked != 0) {
    error_ = blocked;
    return;
  }
  blocked_ = true;
  fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) {
    error_ = errno;
    restore();  // without the fd nobody would ever see them: better they keep their old effect
    return;
  }
  // The lobby takes its stop signals whatever it inherited (an ignored SIGHUP under nohup, say),
  // and so do we. (Linux queues a blocked signal even while it is ignored, so this is about what
  // the lobby we exec inherits, not about the signalfd.) Undone only while they are blocked, so
  // nothing is delivered in between.
  for (int sig : signals) ::signal(sig, SIG_DFL);
}

StopSignals::~StopSignals() { restore(); }

int StopSignals::take() {
  int first = 0;
  signalfd_siginfo info;
  while (fd_ && ::read(fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    const int sig = static_cast<int>(info.ssi_signo);
    if (first == 0) first = sig;
    if (sig == SIGTERM || sig == SIGHUP) leave_program_ = true;
  }
  return first;
}

void StopSignals::restore() {
  if (!blocked_) return;
  (void)take();
  blocked_ = false;
  fd_.reset();
  ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace peerlink
