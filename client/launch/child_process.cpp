// The lobby's helper processes: fork + exec, stop, reap.
#include "client/launch/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "common/base/fd.h"
#include "common/base/secret_fd.h"

extern char** environ;

namespace peerlink::lobby {
namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child, between fork and exec: only async-signal-safe calls (the lobby may have another
// thread, which could hold the allocator's lock at the moment of the fork).
[[noreturn]] void exec_child(const char* path, char* const* argv, int dev_null, int inherit_fd,
                             int secret_fd, bool quiet_stdout, pid_t parent, int error_fd) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(0);  // the lobby died before prctl() took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::dup2(dev_null, 0);
  if (quiet_stdout) ::dup2(dev_null, 1);
  // Everything above stderr is closed at exec, whoever opened it (belt and braces: the lobby
  // opens every descriptor close-on-exec already), except the descriptors meant for the child.
  ::close_range(3U, ~0U, CLOSE_RANGE_CLOEXEC);
  if (inherit_fd >= 0) ::fcntl(inherit_fd, F_SETFD, 0);
  if (secret_fd >= 0) ::fcntl(secret_fd, F_SETFD, 0);
  ::execve(path, argv, environ);
  const int err = errno;
  [[maybe_unused]] ssize_t w = ::write(error_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    status_ = other.status_;
  }
  return *this;
}

Result ChildProcess::start(const ChildSpec& spec) {
  stop();
  const std::string context = "cannot start " + spec.path;
  auto fail = [&](int err) { return Result::system(context, err); };
  // Everything the child needs is built before the fork.
  std::vector<std::string> argv_strings = spec.argv;
  UniqueFd secret;  // this process's copy closes when start() returns
  if (!spec.secret.empty()) {
    Expected<UniqueFd> made = make_secret_fd(spec.secret);
    if (!made) return made.result().with_context(context);
    secret = std::move(*made);
    argv_strings.push_back(kSecretFdOption);
    argv_strings.push_back(std::to_string(secret.get()));
  }
  std::vector<char*> argv = pointers(argv_strings);
  UniqueFd dev_null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!dev_null) return fail(errno);
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return fail(errno);
  UniqueFd error_read(p[0]);
  UniqueFd error_write(p[1]);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return fail(errno);
  if (pid == 0) {
    exec_child(spec.path.c_str(), argv.data(), dev_null.get(), spec.inherit_fd, secret.get(),
               spec.quiet_stdout, parent, error_write.get());
  }
  error_write.reset();
  // The pipe closes at a successful exec; an errno arrives if the exec failed.
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(error_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  pid_ = pid;
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    pid_ = -1;
    return fail(child_errno);
  }
  return {};
}

bool ChildProcess::poll_exit() {
  if (pid_ <= 0) return true;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  // r < 0 (ECHILD): someone else reaped it; it is gone either way.
  status_ = r == pid_ ? st : 0;
  pid_ = -1;
  return true;
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

bool ChildProcess::wait_until(std::chrono::steady_clock::time_point deadline) {
  // Short polls of waitpid: the lobby has no SIGCHLD handler to wake it, and a helper asked to
  // stop exits within milliseconds.
  int pause_ms = 1;
  while (!poll_exit()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, pause_ms);
    pause_ms = pause_ms < 20 ? pause_ms * 2 : 20;
  }
  return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  signal(SIGTERM);
  if (wait_until(std::chrono::steady_clock::now() + grace)) return;
  signal(SIGKILL);
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  status_ = st;
  pid_ = -1;
}

std::string ChildProcess::describe_status() const {
  if (WIFEXITED(status_)) return "exit status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
  return "status " + std::to_string(status_);
}

}  // namespace peerlink::lobby
