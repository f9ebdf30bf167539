// The lobby's helper processes (the file server, downloads): fork + exec with an explicit argv and
// an optional secret, and an RAII owner that stops and reaps them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace peerlink::lobby {

struct ChildSpec {
  std::string path;               // the program (absolute: sibling_program())
  std::vector<std::string> argv;  // argv[0] first
  // A secret for the child (a ticket key, tickets): handed over in a sealed memfd that the child
  // inherits, named by `--secret-fd N` appended to argv (common/base/secret_fd.h). Never argv
  // itself, which every local user can read, nor the environment, which /proc keeps for the child's
  // whole life. Empty: none.
  std::string secret;
  // A descriptor the child keeps across exec (FD_CLOEXEC cleared in the child only, after fork);
  // -1 for none. Every other descriptor above 2 is closed at exec.
  int inherit_fd = -1;
  bool quiet_stdout = false;  // stdout to /dev/null (stdin always is; stderr stays the lobby's)
};

// Owns one child process: start() forks and execs it; the destructor stops it (SIGTERM, then
// SIGKILL after a bounded wait) and reaps it, so no child outlives its owner unreaped. Movable,
// not copyable. Not thread-safe: the lobby thread alone starts and reaps.
//
// The child runs in its own process group (a Ctrl-C or Ctrl-Z at the terminal reaches only the
// lobby, which stops its helpers itself) and gets SIGTERM when the lobby dies
// (PR_SET_PDEATHSIG), so a killed lobby leaves no helper behind. That death signal follows the
// thread that forked: start children from the lobby's main thread only.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;

  // Forks and execs. Fails ("cannot start PATH: REASON") if the fork or the exec failed; an exec
  // failure is known before this returns (a close-on-exec pipe reports it).
  Result start(const ChildSpec& spec);

  pid_t pid() const { return pid_; }
  // Started and not reaped yet.
  bool running() const { return pid_ > 0; }
  // Reaps the child if it has exited (waitpid WNOHANG). True once it is gone; status() then says
  // how it ended.
  bool poll_exit();
  // Sends `sig` if it is still running.
  void signal(int sig);
  // Waits until `deadline` for it to exit; true if it did (and it is reaped).
  bool wait_until(std::chrono::steady_clock::time_point deadline);
  // SIGTERM, up to `grace` to exit, then SIGKILL; always reaped afterwards.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  // The raw waitpid() status of the last child reaped, and it in words: "exit status 1",
  // "killed by signal 9".
  int status() const { return status_; }
  std::string describe_status() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

}  // namespace peerlink::lobby
