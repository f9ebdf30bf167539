// Test harness: a child process on a pseudo-terminal.
#include "tests/support/pty_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

extern char** environ;

namespace peerlink::testing {
namespace {

constexpr char kEsc = '\x1b';

// Length of the escape sequence starting at bytes[i] (an ESC), or 0 if it is not finished yet.
size_t escape_length(std::string_view bytes, size_t i) {
  if (i + 1 >= bytes.size()) return 0;
  const char kind = bytes[i + 1];
  if (kind == '[') {  // CSI: parameter and intermediate bytes, then one final byte 0x40..0x7e
    for (size_t j = i + 2; j < bytes.size(); ++j) {
      if (bytes[j] >= 0x40 && bytes[j] <= 0x7e) return j - i + 1;
    }
    return 0;
  }
  if (kind == ']') {  // OSC: up to BEL or ESC '\'
    for (size_t j = i + 2; j < bytes.size(); ++j) {
      if (bytes[j] == '\a') return j - i + 1;
      if (bytes[j] == kEsc && j + 1 < bytes.size() && bytes[j + 1] == '\\') return j - i + 2;
    }
    return 0;
  }
  if (kind == 'O') return i + 2 < bytes.size() ? 3 : 0;  // SS3 x
  return 2;                                              // ESC x
}

// The cursor and erase controls of CSI `params` `final` on a screen of rows (screen_lines).
void apply_csi(std::string_view params, char final, std::vector<std::string>* lines, size_t* row,
               size_t* col) {
  size_t n = 0;
  for (char p : params) {
    if (p < '0' || p > '9') return;  // private or multi-parameter forms: not cursor controls
    n = n * 10 + static_cast<size_t>(p - '0');
  }
  const size_t count = n == 0 ? 1 : n;  // a missing or 0 count means 1
  std::string& line = (*lines)[*row];
  switch (final) {
    case 'A':  // cursor up
      *row -= std::min(*row, count);
      break;
    case 'B':  // cursor down
      *row += count;
      if (lines->size() <= *row) lines->resize(*row + 1);
      break;
    case 'C':  // cursor forward
      *col += count;
      break;
    case 'D':  // cursor back
      *col -= std::min(*col, count);
      break;
    case 'G':  // cursor to column `count` (1-based)
      *col = count - 1;
      break;
    case 'K': {  // erase in line: 0 to the end, 1 up to the cursor, 2 all of it
      const size_t upto = std::min(line.size(), *col + 1);
      if (n == 0 && line.size() > *col) {
        line.resize(*col);
      } else if (n == 1) {
        line.replace(0, upto, upto, ' ');
      } else if (n == 2) {
        line.assign(std::min(line.size(), *col), ' ');
      }
      break;
    }
    case 'J':  // erase below: the rest of this row and every row under it
      if (n == 0) {
        if (line.size() > *col) line.resize(*col);
        lines->resize(*row + 1);
      }
      break;
    default:  // colours and everything else leave the text alone
      break;
  }
}

void close_fd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

}  // namespace

std::string strip_ansi(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    if (bytes[i] != kEsc) {
      out.push_back(bytes[i++]);
      continue;
    }
    const size_t n = escape_length(bytes, i);
    if (n == 0) break;  // unfinished: dropped (it may complete later)
    i += n;
  }
  return out;
}

std::vector<std::string> escape_sequences(std::string_view bytes) {
  std::vector<std::string> seqs;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != kEsc) continue;
    const size_t n = escape_length(bytes, i);
    if (n == 0) {
      seqs.emplace_back(bytes.substr(i));
      break;
    }
    seqs.emplace_back(bytes.substr(i, n));
    i += n - 1;
  }
  return seqs;
}

std::vector<std::string> screen_lines(std::string_view bytes, size_t columns) {
  std::vector<std::string> lines(1);
  size_t row = 0, col = 0;
  for (size_t i = 0; i < bytes.size();) {
    const char c = bytes[i];
    if (c == kEsc) {
      const size_t n = escape_length(bytes, i);
      if (n == 0) break;
      if (n >= 3 && bytes[i + 1] == '[') {
        apply_csi(bytes.substr(i + 2, n - 3), bytes[i + n - 1], &lines, &row, &col);
      }
      i += n;
      continue;
    }
    ++i;
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      if (++row == lines.size()) lines.emplace_back();
    } else if (c == '\b') {
      if (col > 0) --col;
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != '\x7f') {
      if (columns > 0 && col >= columns) {  // the pending wrap of a full row
        col = 0;
        if (++row == lines.size()) lines.emplace_back();
      }
      std::string& line = lines[row];
      if (line.size() < col) line.append(col - line.size(), ' ');
      if (col < line.size()) {
        line[col] = c;
      } else {
        line.push_back(c);
      }
      ++col;
    }  // other control bytes (BEL...) do not move the cursor
  }
  return lines;
}

std::unique_ptr<PtyProcess> PtyProcess::start(const std::vector<std::string>& argv,
                                              const Options& options) {
  // O_NOCTTY: the test process must never adopt the pty as its own controlling terminal.
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) return nullptr;
  if (::fcntl(master, F_SETFD, FD_CLOEXEC) != 0 || ::grantpt(master) != 0 ||
      ::unlockpt(master) != 0) {
    ::close(master);
    return nullptr;
  }
  // ptsname() uses a static buffer; ptsname_r (POSIX.1-2024) does not race with other tests'
  // threads starting processes at the same time.
  char slave_name[128];
  if (::ptsname_r(master, slave_name, sizeof slave_name) != 0) {
    ::close(master);
    return nullptr;
  }
  // The window size lives with the pair; set it before the child can ask for it.
  winsize ws{};
  ws.ws_col = options.columns;
  ws.ws_row = options.rows;
  ::ioctl(master, TIOCSWINSZ, &ws);
  // Opened here rather than in the child so that a failure is reported, not an exit code 126.
  int slave = ::open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  int wake[2];
  if (slave < 0 || ::pipe2(wake, O_CLOEXEC) != 0) {
    if (slave >= 0) ::close(slave);
    ::close(master);
    return nullptr;
  }

  // Build argv/envp before fork: only async-signal-safe calls in the child.
  std::shared_ptr<TempDir> config_dir;
  std::map<std::string, std::string> env_set = options.env;
  give_lobby_config_dir(argv, &env_set, &config_dir);
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
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(slave);
    ::close(master);
    ::close(wake[0]);
    ::close(wake[1]);
    return nullptr;
  }
  if (pid == 0) {
    // A new session without a terminal, then the slave as its controlling terminal: the child's
    // process group becomes the foreground group, so a typed Ctrl-C reaches it.
    if (::setsid() < 0 || ::ioctl(slave, TIOCSCTTY, 0) != 0) ::_exit(125);
    ::dup2(slave, 0);  // dup2 clears FD_CLOEXEC on the copies; `slave` itself closes at exec
    ::dup2(slave, 1);
    ::dup2(slave, 2);
    // The test runner's threads may block signals; the program must start as from a shell.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  // Only the child may hold the slave: once it (and anything it started) has closed it, reading
  // the master fails with EIO, which is how the reader sees the end.
  ::close(slave);
  std::unique_ptr<PtyProcess> p(new PtyProcess());
  p->child_.pid = pid;
  p->config_dir_ = std::move(config_dir);
  p->master_fd_ = master;
  p->wake_pipe_[0] = wake[0];
  p->wake_pipe_[1] = wake[1];
  p->reader_ = std::thread([raw = p.get()] { raw->reader_loop(); });
  return p;
}

PtyProcess::~PtyProcess() {
  if (!child_.exited()) {
    child_.kill(SIGKILL);
    wait_exit(milliseconds(5000));
  }
  // A grandchild (the lobby's file server) may still hold the slave open: tell the reader to
  // stop instead of waiting for EIO.
  if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], "x", 1);
  if (reader_.joinable()) reader_.join();
  close_fd(&master_fd_);
  close_fd(&wake_pipe_[0]);
  close_fd(&wake_pipe_[1]);
}

void PtyProcess::reader_loop() {
  char buf[65536];
  for (;;) {
    pollfd fds[2] = {{master_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int r = ::poll(fds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || fds[1].revents != 0) break;
    if (fds[0].revents == 0) continue;
    ssize_t n = ::read(master_fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    // n < 0 with EIO: every holder of the slave has closed it (Linux reports EIO, not 0).
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(mu_);
    out_.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

bool PtyProcess::resize(unsigned short columns, unsigned short rows) {
  winsize ws{};
  ws.ws_col = columns;
  ws.ws_row = rows;
  return ::ioctl(master_fd_, TIOCSWINSZ, &ws) == 0;
}

bool PtyProcess::write(std::string_view text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(master_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

bool PtyProcess::wait_in(bool stripped, std::string_view needle, size_t* from,
                         milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // Stripping everything again on each wake-up is quadratic in theory; the outputs are small.
    const std::string text = stripped ? strip_ansi(out_) : out_;
    size_t at = text.find(needle, std::min(*from, text.size()));
    if (at != std::string::npos) {
      *from = at + needle.size();
      return true;
    }
    if (eof_) return false;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      // one last look at what arrived with the timeout
      const std::string last = stripped ? strip_ansi(out_) : out_;
      at = last.find(needle, std::min(*from, last.size()));
      if (at == std::string::npos) return false;
      *from = at + needle.size();
      return true;
    }
  }
}

bool PtyProcess::wait_for(std::string_view needle, milliseconds timeout) {
  return wait_in(true, needle, &text_from_, timeout);
}

bool PtyProcess::wait_for_raw(std::string_view needle, milliseconds timeout) {
  return wait_in(false, needle, &raw_from_, timeout);
}

std::string PtyProcess::raw_output() {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string PtyProcess::text_output() { return strip_ansi(raw_output()); }

std::optional<termios> PtyProcess::settings() {
  termios t{};
  if (::tcgetattr(master_fd_, &t) != 0) return std::nullopt;
  return t;
}

bool PtyProcess::set_settings(const termios& t) {
  return ::tcsetattr(master_fd_, TCSANOW, &t) == 0;
}

bool PtyProcess::wait_stopped(milliseconds timeout) { return child_.wait_stopped(timeout); }

void PtyProcess::kill(int sig) { child_.kill(sig); }

bool PtyProcess::exited() { return child_.exited(); }

std::optional<int> PtyProcess::wait_exit(milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!child_.wait_exited(timeout)) return std::nullopt;
  // Let the reader take what the child wrote before it exited. A grandchild still holding the
  // slave keeps EIO away: the wait stays bounded.
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, std::max(deadline, std::chrono::steady_clock::now() + milliseconds(2000)),
                 [this] { return eof_; });
  return child_.status();
}

}  // namespace peerlink::testing
