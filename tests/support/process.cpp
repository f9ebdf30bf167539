// Test harness: child processes, temp dirs, files.
#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/base/fd.h"
#include "common/base/secret_fd.h"

#ifndef PEERLINK_BIN_DIR
#error "PEERLINK_BIN_DIR must be defined by the build"
#endif

extern char** environ;

namespace peerlink::testing {

std::string bin_path(const std::string& program) {
  return std::string(PEERLINK_BIN_DIR) + "/" + program;
}

void give_lobby_config_dir(const std::vector<std::string>& argv,
                           std::map<std::string, std::string>* env, std::shared_ptr<TempDir>* dir) {
  if (argv.empty() || env->count("XDG_CONFIG_HOME") > 0) return;
  const std::string& program = argv[0];
  const size_t slash = program.rfind('/');
  if (program.substr(slash == std::string::npos ? 0 : slash + 1) != "_c") return;
  // One folder per test: keyed by the running test's full name (a binary may run many).
  static std::string owner;
  static std::shared_ptr<TempDir> folder;
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      test != nullptr ? std::string(test->test_suite_name()) + "." + test->name() : "";
  if (folder == nullptr || owner != name) {
    folder = std::make_shared<TempDir>();
    owner = name;
  }
  *dir = folder;
  (*env)["XDG_CONFIG_HOME"] = (*dir)->path();
}

std::string Process::config_home() const { return config_dir_ ? config_dir_->path() : ""; }

std::unique_ptr<Process> Process::start(const std::vector<std::string>& argv,
                                        const Options& options) {
  std::shared_ptr<TempDir> config_dir;
  std::map<std::string, std::string> env_set = options.env;
  give_lobby_config_dir(argv, &env_set, &config_dir);
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) return nullptr;
  // Build argv/envp before fork: only async-signal-safe calls in the child.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    bool drop = env_set.count(key) > 0;
    for (const auto& u : options.unset_env) drop = drop || u == key;
    if (!drop) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env_set) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  UniqueFd secret;  // the parent's copy closes when start() returns
  if (options.secret) {
    secret = make_secret_fd(*options.secret).value_or(UniqueFd());
    if (!secret) return nullptr;
    argv_copy.push_back(kSecretFdOption);
    argv_copy.push_back(std::to_string(secret.get()));
  }
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
    if (secret) ::fcntl(secret.get(), F_SETFD, 0);
    if (options.umask) ::umask(*options.umask);
    if (options.max_open_files != 0) {
      rlimit rl{};
      rl.rlim_cur = rl.rlim_max = options.max_open_files;
      if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::_exit(125);
    }
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  std::unique_ptr<Process> p(new Process());
  p->child_.pid = pid;
  p->config_dir_ = std::move(config_dir);
  p->stdin_fd_ = in[1];
  p->stdout_fd_ = out[0];
  p->reader_ = std::thread([raw = p.get()] { raw->reader_loop(); });
  return p;
}

Process::~Process() {
  if (!child_.exited()) {
    child_.kill(SIGKILL);
    wait_exit(milliseconds(5000));
  }
  close_stdin();
  if (reader_.joinable()) reader_.join();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  config_dir_.reset();  // after the child is gone
}

void Process::reader_loop() {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (n <= 0) {
      eof_ = true;
      cv_.notify_all();
      return;
    }
    out_.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
}

bool Process::write(std::string_view text) {
  if (stdin_fd_ < 0) return false;
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(stdin_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

void Process::close_stdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<std::string> Process::wait_line(std::string_view needle, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    size_t nl;
    while ((nl = out_.find('\n', consumed_)) != std::string::npos) {
      std::string line = out_.substr(consumed_, nl - consumed_);
      consumed_ = nl + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    if (eof_) return std::nullopt;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      // one last look
      while ((nl = out_.find('\n', consumed_)) != std::string::npos) {
        std::string line = out_.substr(consumed_, nl - consumed_);
        consumed_ = nl + 1;
        if (line.find(needle) != std::string::npos) return line;
      }
      return std::nullopt;
    }
  }
}

bool Process::saw(std::string_view needle, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (out_.find(needle) != std::string::npos) return true;
    if (eof_) return false;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return out_.find(needle) != std::string::npos;
    }
  }
}

std::string Process::output() {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

bool ChildStatus::reap(int flags) {
  if (reaped_) return false;
  int st = 0;
  if (::waitpid(pid, &st, WNOHANG | flags) != pid) return false;
  if (WIFSTOPPED(st)) return true;
  reaped_ = true;
  status_ = st;
  return false;
}

bool ChildStatus::exited() {
  reap(0);
  return reaped_;
}

bool ChildStatus::wait_exited(milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, 10);  // bounded poll of waitpid, not a synchronisation sleep
  }
  return true;
}

bool ChildStatus::wait_stopped(milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (reap(WUNTRACED)) return true;
    if (reaped_ || std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, 10);  // bounded poll of waitpid, not a synchronisation sleep
  }
}

void ChildStatus::kill(int sig) {
  if (!exited()) ::kill(pid, sig);
}

void Process::kill(int sig) { child_.kill(sig); }

bool Process::exited() { return child_.exited(); }

std::optional<int> Process::wait_exit(milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!child_.wait_exited(timeout)) return std::nullopt;
  // Let the reader drain what the child wrote before it exited, so output() is complete. A
  // grandchild still holding the pipe would keep EOF away: the wait stays bounded.
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, std::max(deadline, std::chrono::steady_clock::now() + milliseconds(2000)),
                 [this] { return eof_; });
  return child_.status();
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/peerlink-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool write_file(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(f);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string random_data(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  for (; i < n; ++i) s[i] = static_cast<char>(rng());
  return s;
}

bool wait_for_file(const std::string& path, size_t size, milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::error_code ec;
    auto sz = std::filesystem::file_size(path, ec);
    if (!ec && sz == size) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, 20);
  }
}

BrokerProcess start_broker(const std::string& log_dir, const std::vector<std::string>& extra,
                           const Process::Options& options) {
  BrokerProcess b;
  std::vector<std::string> argv = {bin_path("_s"), "--port",    "0",
                                   "--bind",       "127.0.0.1", "--state-dir",
                                   log_dir,        "--log",     log_dir + "/server.log"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  b.proc = Process::start(argv, options);
  if (!b.proc) return b;
  auto line = b.proc->wait_line("listening on");
  if (!line) return b;
  auto colon = line->rfind(':');
  if (colon != std::string::npos)
    b.port = static_cast<uint16_t>(std::atoi(line->c_str() + colon + 1));
  return b;
}

}  // namespace peerlink::testing

namespace peerlink::testing {

BrokerProcess start_plaintext_broker(const std::string& log_dir,
                                     const std::vector<std::string>& extra,
                                     const Process::Options& options) {
  std::vector<std::string> args = {"--plaintext"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_broker(log_dir, args, options);
}

}  // namespace peerlink::testing
