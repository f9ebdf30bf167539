// The signals that stop a program (Ctrl-C, SIGTERM, SIGHUP): read from one signalfd, never by a
// handler. The peer programs and the broker use it; what a peer program then tells its terminal
// is in common/term/interrupted.h.
#pragma once

#include <signal.h>

#include <atomic>
#include <initializer_list>

#include "common/base/fd.h"

namespace peerlink {

// The stop signals of the peer programs, in every mode: a session (docs/SESSION.md, "Signals"),
// the file server and the downloader, which stop cleanly on them; and of the broker (SIGINT and
// SIGTERM only: a broker started under nohup keeps ignoring SIGHUP). The constructor blocks the
// signals in the calling thread and opens a signalfd for them; it must run before the program
// starts any thread, so that every thread inherits the mask: no handler ever runs (nothing to
// make async-signal-safe) and no thread is interrupted at random. A signal waits in the signalfd
// until whoever is waiting at the time — the broker's epoll loop, the peer listener, the connect
// loop, the session's receive thread, the file server's or the downloader's loop — sees fd()
// readable and reads it (take(), or a read of its own).
//
// A blocked mask survives exec, so restore() must run before the lobby is exec'd. Not
// thread-safe: one thread at a time calls take() (they hand over by joining).
class StopSignals {
 public:
  // SIGINT, SIGTERM and SIGHUP, as the peer programs take them.
  StopSignals() : StopSignals({SIGINT, SIGTERM, SIGHUP}) {}
  // These signals (SIGINT, SIGTERM, SIGHUP or a subset).
  explicit StopSignals(std::initializer_list<int> signals);
  ~StopSignals();  // restore()
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Readable while a stop signal is pending; -1 if the signalfd could not be made (the signals
  // are then left unblocked and keep their default effect: they kill the program). error() is
  // the errno of that failure.
  int fd() const { return fd_.get(); }
  int error() const { return error_; }

  // Takes every pending stop signal and returns the first (SIGINT, ...), or 0 if none was pending.
  int take();

  // True once SIGTERM or SIGHUP has been taken: the program must end instead of going back to
  // the lobby (a system shutdown, a `kill`, or a terminal that is gone has no user to return to).
  bool leave_program() const { return leave_program_.load(); }

  // Takes whatever is still pending (so unblocking cannot deliver it), then puts back the signal
  // mask the program started with. Call before exec'ing the lobby, which handles the same signals
  // itself. Does nothing the second time.
  void restore();

 private:
  sigset_t old_mask_;
  bool blocked_ = false;
  UniqueFd fd_;
  int error_ = 0;
  std::atomic<bool> leave_program_{false};
};

}  // namespace peerlink
