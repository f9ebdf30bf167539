// Session output: whole lines from several threads and, on a terminal, one live status line.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace peerlink {

// Whether a terminal may be coloured, from the environment: not when NO_COLOR is set to anything
// but the empty string (https://no-color.org), nor when TERM is "dumb". The lobby and the session
// ask the same question, so one terminal looks the same in both.
bool colour_wanted();

// The terminal's width in columns; 80 if unknown.
size_t terminal_columns(int fd);

// Prints to one fd (stdout by default); does not own it. Thread-safe: every line() is written
// whole with one write, so the receive, input and sender threads never interleave inside a line.
// On a terminal it also keeps a status line (the live progress bars) below the printed lines and
// colours some lines; elsewhere set_status() does nothing and no escape sequence is ever written,
// so the output stays plain and scriptable (docs/HANDOFF.md relies on it).
class Console {
 public:
  // How a line is shown on a terminal; ignored elsewhere.
  enum class Tone { kPlain, kPeer, kNotice, kError };

  explicit Console(int fd = 1);  // a terminal if isatty(fd); coloured if colour_wanted() too
  Console(int fd, bool terminal, bool colour);
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  bool terminal() const { return terminal_; }

  // Prints `text` and a newline. `text` must already be safe to print (see printable()).
  void line(std::string_view text, Tone tone = Tone::kPlain);

  // Terminal only: sets (or replaces) the status entry `key`; all entries share one line.
  void set_status(uint64_t key, std::string text);
  void clear_status(uint64_t key);

 private:
  std::string status_line_locked() const;
  void write_locked(const std::string& bytes);

  int fd_;
  bool terminal_;
  bool colour_;
  std::mutex mu_;
  std::map<uint64_t, std::string> status_;
  bool status_drawn_ = false;  // the cursor sits at the end of a drawn status line
};

}  // namespace peerlink
