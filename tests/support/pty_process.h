// Test harness: runs a real peerlink binary on a pseudo-terminal, so it takes its terminal paths
// (menu, colour, line editing, live progress bars) exactly as it does for a user.
#pragma once

#include <sys/types.h>
#include <termios.h>

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

#include "tests/support/process.h"

namespace peerlink::testing {

// A child process whose stdin, stdout and stderr are the slave side of a new pseudo-terminal,
// which is also its controlling terminal (it is a session leader: Ctrl-C typed on the pty reaches
// it as SIGINT; a typed Ctrl-Z does not stop it, because the kernel discards SIGTSTP for the
// orphaned process group of a session leader; kill(SIGSTOP) does). The test holds the master
// side; a background thread reads everything the child writes. Echo from the kernel is
// asynchronous: it may reach the master after the program has acted on the typed line. The terminal
// keeps the kernel's default settings (echo, ICRNL, OPOST|ONLCR: a "\n" written by the child
// arrives as "\r\n"), as a freshly opened terminal window would. Destroying a PtyProcess kills the
// child (SIGKILL), reaps it and closes the master.
class PtyProcess {
 public:
  struct Options {
    std::string cwd;                         // empty: inherit
    std::map<std::string, std::string> env;  // added to (or replacing in) the environment
    std::vector<std::string> unset_env;      // removed from the environment
    unsigned short columns = 100;            // the window size the child sees (TIOCGWINSZ)
    unsigned short rows = 30;
  };
  static std::unique_ptr<PtyProcess> start(const std::vector<std::string>& argv,
                                           const Options& options);
  static std::unique_ptr<PtyProcess> start(const std::vector<std::string>& argv) {
    return start(argv, Options{});
  }
  ~PtyProcess();
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  pid_t pid() const { return child_.pid; }

  // Types `text` on the terminal (keys as bytes: "\r" is Enter, "\x03" Ctrl-C, "\x7f" Backspace).
  bool write(std::string_view text);

  // Waits until the output after the last match, with escape sequences stripped (strip_ansi),
  // contains `needle`; on success the next wait starts after this match. False after `timeout`
  // or once the terminal has closed without it.
  bool wait_for(std::string_view needle, milliseconds timeout = kDefaultWait);
  // The same on the raw bytes (escape sequences and "\r" included), with its own position.
  bool wait_for_raw(std::string_view needle, milliseconds timeout = kDefaultWait);

  // Changes the window size, as a terminal window being resized does: the kernel sends SIGWINCH
  // to the terminal's foreground process group.
  bool resize(unsigned short columns, unsigned short rows);

  std::string raw_output();   // every byte read from the master so far
  std::string text_output();  // strip_ansi(raw_output())

  // The terminal's settings (the slave's: on Linux the master's termios ioctls act on the slave),
  // to see which mode the program left it in, or to reset it the way a shell does after a stop.
  std::optional<termios> settings();
  bool set_settings(const termios& t);

  void kill(int sig);
  // Waits until the child has stopped (SIGSTOP...); false on timeout or if it exited.
  bool wait_stopped(milliseconds timeout = kDefaultWait);
  // Waits for exit, then (bounded) for the terminal to close; returns the status as from
  // waitpid(), or nullopt on timeout.
  std::optional<int> wait_exit(milliseconds timeout = kDefaultWait);
  bool exited();

 private:
  PtyProcess() = default;
  void reader_loop();
  bool wait_in(bool stripped, std::string_view needle, size_t* from, milliseconds timeout);

  ChildStatus child_;
  std::shared_ptr<TempDir> config_dir_;  // see give_lobby_config_dir()
  int master_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};  // written by the destructor to stop the reader
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;
  size_t raw_from_ = 0;   // wait_for_raw searches out_ from here
  size_t text_from_ = 0;  // wait_for searches strip_ansi(out_) from here
  bool eof_ = false;
};

// `bytes` without escape sequences: CSI (ESC '[' params final), SS3 (ESC 'O' x), OSC (ESC ']' ...
// BEL or ESC '\') and two-byte ESC x. An unfinished sequence at the end is dropped, so the result
// for a prefix of some output is a prefix of the result for the whole. "\r", "\b" and "\n" stay.
std::string strip_ansi(std::string_view bytes);

// Every escape sequence in `bytes`, in order (e.g. "\x1b[K", "\x1b[1;33m"); an unfinished one at
// the end is included as it stands.
std::vector<std::string> escape_sequences(std::string_view bytes);

// What a terminal would show, row by row (scrollback included): printable bytes overwrite at the
// cursor, "\r" goes to column 0, "\n" to the next row (same column, as a real terminal; the pty's
// ONLCR supplies the "\r"), "\b" one column left; CSI A/B/C/D/G move the cursor, CSI K erases in
// the row and CSI J (0) below the cursor; colours and other sequences are ignored. With `columns`
// > 0 a full row wraps onto the next one before the next byte is written (as xterm does); 0
// means rows never wrap. Columns count bytes, so it is exact for ASCII text; good enough to tell
// whether a typed line was garbled.
std::vector<std::string> screen_lines(std::string_view bytes, size_t columns = 0);

}  // namespace peerlink::testing
