// Test harness: runs a real peerlink binary with piped stdin and captured stdout+stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace peerlink::testing {

using std::chrono::milliseconds;
inline constexpr milliseconds kDefaultWait{10000};

// How much slower than a plain build the programs run in this build: 10 under AddressSanitizer
// or ThreadSanitizer (the programs are built the same way as the tests), else 1. Generous timing
// bounds in tests (seconds) are multiplied by it; tight ones (tens of milliseconds: "the loop is
// never held") are checked only where it is 1, by `make check`, since a sanitizer's slowdown is
// uneven (TSan's can pass 20x on a loaded machine), and the figure is printed either way.
constexpr int sanitizer_slowdown() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return 10;
#else
  return 1;
#endif
#else
  return 1;
#endif
}

// Absolute path of a built program ("_s", "_c", ...), from the build's bin directory.
std::string bin_path(const std::string& program);

class TempDir;

// The lobby keeps its keys and pinned brokers in $XDG_CONFIG_HOME/peerlink: a test must never
// use the real one, nor share one with another test. When `argv` starts `_c` and `env` does not
// set XDG_CONFIG_HOME, this gives it the running test's own temporary folder (one per test, made
// at its first `_c`, shared by all the test's lobbies like one machine's home: alice started
// again has alice's identity; kept alive by *dir while the child runs) and sets it in `env`.
// Process::start and PtyProcess::start call it, so no test can forget; a test that wants another
// folder passes it itself.
void give_lobby_config_dir(const std::vector<std::string>& argv,
                           std::map<std::string, std::string>* env, std::shared_ptr<TempDir>* dir);

// A child's pid and, once it is reaped, its wait status: what Process and PtyProcess share.
class ChildStatus {
 public:
  pid_t pid = -1;

  // Reaps the child if it has exited, without blocking; true once it has.
  bool exited();
  // Polls (bounded) until the child has exited; false on timeout.
  bool wait_exited(milliseconds timeout);
  // Polls (bounded) until the child stops (SIGSTOP, SIGTSTP); false on timeout or if it exits.
  bool wait_stopped(milliseconds timeout);
  void kill(int sig);
  int status() const { return status_; }  // as from waitpid(), once exited()

 private:
  // One non-blocking waitpid() with `flags`; true if it reported a stop.
  bool reap(int flags);

  bool reaped_ = false;
  int status_ = 0;
};

// A child process. stdout and stderr are merged into one captured stream, read by a background
// thread. Destroying a Process kills it (SIGKILL) and reaps it.
class Process {
 public:
  struct Options {
    std::string cwd;                         // empty: inherit
    std::map<std::string, std::string> env;  // added to (or replacing in) the environment
    std::vector<std::string> unset_env;      // removed from the environment
    // A secret handed over the way the programs take them (common/base/secret_fd.h): a memfd
    // holding it, named by `--secret-fd N` appended to argv.
    std::optional<std::string> secret;
    std::optional<mode_t> umask;  // the child's umask (default: inherited)
    // Non-zero: RLIMIT_NOFILE (soft and hard, so the child cannot raise it) set in the child
    // before exec, e.g. to drive a server out of descriptors.
    unsigned long max_open_files = 0;
  };
  static std::unique_ptr<Process> start(const std::vector<std::string>& argv,
                                        const Options& options);
  static std::unique_ptr<Process> start(const std::vector<std::string>& argv) {
    return start(argv, Options{});
  }
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return child_.pid; }
  // The XDG_CONFIG_HOME a `_c` was given by give_lobby_config_dir() ("" if none).
  std::string config_home() const;
  bool write(std::string_view text);  // to the child's stdin
  bool write_line(std::string_view line) { return write(std::string(line) + "\n"); }
  void close_stdin();

  // Waits for an output line (complete, '\n'-terminated) that contains `needle`, looking only at
  // lines after those already consumed by earlier waits. Returns the line, or nullopt after
  // `timeout` or at EOF. Lines skipped on the way are consumed.
  std::optional<std::string> wait_line(std::string_view needle,
                                       milliseconds timeout = kDefaultWait);
  // Like wait_line but does not consume anything: true if any line so far (consumed or not)
  // contains `needle`, waiting up to `timeout` for it to appear.
  bool saw(std::string_view needle, milliseconds timeout = milliseconds(0));
  std::string output();  // everything captured so far

  void kill(int sig);
  // Waits for exit, then (bounded) for the end of its output; returns the exit status as from
  // waitpid(), or nullopt on timeout.
  std::optional<int> wait_exit(milliseconds timeout = kDefaultWait);
  bool exited();

 private:
  Process() = default;
  void reader_loop();

  ChildStatus child_;
  std::shared_ptr<TempDir> config_dir_;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;
  size_t consumed_ = 0;  // offset in out_ of the first line not yet consumed by wait_line
  bool eof_ = false;
};

// A fresh temporary directory, removed (recursively) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

bool write_file(const std::string& path, std::string_view data);
std::optional<std::string> read_file(const std::string& path);
std::string random_data(size_t n, unsigned seed);
// Polls (with short bounded waits) until `path` exists with exactly `size` bytes, or timeout.
bool wait_for_file(const std::string& path, size_t size, milliseconds timeout = kDefaultWait);

// Starts `_s --port 0 --state-dir <dir> --log <dir>/server.log [extra...]` (so its key and names
// files are in <dir> too) and reads the port from its first line.
struct BrokerProcess {
  std::unique_ptr<Process> proc;
  uint16_t port = 0;
};
BrokerProcess start_broker(const std::string& log_dir, const std::vector<std::string>& extra = {},
                           const Process::Options& options = {});
// The same with --plaintext (teaching mode): the broker also takes plaintext connections, for
// the tests that drive the line protocol by hand (LineClient without encryption) or run
// `_c --plaintext`.
BrokerProcess start_plaintext_broker(const std::string& log_dir,
                                     const std::vector<std::string>& extra = {},
                                     const Process::Options& options = {});

}  // namespace peerlink::testing
