// The one screen of the lobby and the session: printed lines above an optional status line and
// an input line, from several threads, or plain lines when the output is not a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace peerlink {

// Whether a terminal may be coloured, from the environment: not when NO_COLOR is set to anything
// but the empty string (https://no-color.org), nor when TERM is "dumb". The lobby and the session
// ask the same question, so one terminal looks the same in both.
bool colour_wanted();

// The terminal's width in columns; 80 if unknown.
size_t terminal_columns(int fd);

// What the input line shows of `typed` in `room` columns, with the cursor at byte `cursor`: all
// of it when it fits; otherwise one window of it that holds the cursor, after a '<' when it
// does not start at the beginning (so the row never wraps and one "\r ESC[K" wipes it).
struct InputRow {
  std::string text;          // to draw after the prompt
  size_t cursor_column = 0;  // where the cursor goes, counted from the start of `text`
  bool scrolled = false;     // `text` is not all of `typed`
};
InputRow input_row(std::string_view typed, size_t cursor, size_t room);

// `text` cut into rows for a terminal: the first at most `first_room` columns, the others at
// most `room`, broken after a space where one is near the end of the row, else between two
// characters (display widths: wide characters take two columns). Never an empty vector.
std::vector<std::string> wrap_text(std::string_view text, size_t first_room, size_t room);

// The SGR colour of a name ("\x1b[35m"...): one of six, from a hash of the name, so a name keeps
// its colour for the whole run and in both programs.
std::string_view name_colour(std::string_view name);

// Writes to one fd (stdout by default), which it does not own, always with write(2) (never stdio:
// nothing is duplicated or lost when the process execs). Thread-safe: each call is one write.
//
// On a terminal the bottom of the screen belongs to the Screen: an optional status line (the
// running transfers, updated in place) and an optional input line (a prompt and the user's
// partial text, the cursor where the editor has it). Every printed line wipes them, appears
// above them, and has them drawn again, so nothing typed is ever garbled. Elsewhere (a pipe, a
// file) it writes plain lines only: no escape byte, no status, no input line, no timestamps
// (docs/TERMINAL.md, docs/HANDOFF.md rely on it).
class Screen {
 public:
  // How a line is shown on a terminal; ignored elsewhere.
  enum class Tone {
    kPlain,
    kPeer,      // cyan: the session's peer (old style, lines without a name of their own)
    kNotice,    // yellow: the session's news
    kError,     // red
    kQuestion,  // bold yellow: something to answer
    kGood,      // green: something worked
    kTitle,     // bold: headings, the prompt
    kNews,      // cyan: the lobby's asynchronous news
  };

  explicit Screen(int fd = 1);  // a terminal if isatty(fd); coloured if colour_wanted() too
  Screen(int fd, bool terminal, bool colour);
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  bool terminal() const { return terminal_; }
  // A file size as this screen shows it: "4.0 MiB" for people on a terminal, the exact
  // "4194625 bytes" on a pipe (scripts and docs/HANDOFF.md read the exact figure).
  std::string size_text(uint64_t bytes) const;
  bool colour() const { return colour_; }
  // `text` in the tone's colour (and a reset after it) when colour is on; else `text` itself.
  std::string styled(std::string_view text, Tone tone) const;

  // Conversation style (the session): on a terminal every line() is a system line,
  // "HH:MM -!- text", continuation rows indented under the text. Off by default (the lobby).
  void set_conversation(bool on);

  // Prints `text` and a newline. `text` must already be safe to print (see printable()).
  void line(std::string_view text, Tone tone = Tone::kPlain);
  // A chat line. Terminal: "HH:MM name: text", the name in its colour, the text wrapped under
  // itself. Elsewhere "name: text", and nothing at all for our own lines (`own`).
  void chat(std::string_view name, std::string_view text, bool own);

  // Terminal only: sets (or replaces) the status entry `key`; all entries share one line.
  void set_status(uint64_t key, std::string text);
  void clear_status(uint64_t key);

  // Terminal only: shows the input line, `prompt` (bold) and `typed` with the cursor at byte
  // `cursor`, and keeps it below everything printed until hide_input().
  void set_input(std::string_view prompt, std::string_view typed, size_t cursor);
  // The same after the editor appended `echo` at the end of `typed` (or "\b \b" erased the last
  // narrow character): written as it is when the row allows, else the row is drawn again.
  void echo_input(std::string_view echo, std::string_view typed, size_t cursor);
  // Enter: the typed line stays on the screen as it is and the input line starts empty on the
  // next row (drawn by the next line() or set_input()).
  void commit_input();
  // Wipes the input line (and the status line, which comes back with the next line()).
  void hide_input();
  bool input_shown() const;
  // Draws the bottom again at the terminal's current width (after SIGWINCH, SIGCONT, Ctrl-L).
  void redraw();

 private:
  std::string erase_locked();   // wipes the bottom rows; the cursor ends at column 0 of the top
  std::string bottom_locked();  // draws the status and input rows, the cursor at its column
  std::string input_locked();   // the input row alone
  void redraw_input_locked();   // writes the input row (the bottom rows if it was not drawn)
  std::string head_line_locked(std::string_view head, size_t head_columns, std::string_view text,
                               Tone tone) const;
  void write_locked(const std::string& bytes);

  const int fd_;
  const bool terminal_;
  const bool colour_;
  mutable std::mutex mu_;
  bool conversation_ = false;
  std::map<uint64_t, std::string> status_;
  bool status_drawn_ = false;  // a status row is on the screen above the input row (or alone)
  bool input_on_ = false;      // the bottom row is the input row
  std::string prompt_;
  std::string typed_;
  size_t cursor_ = 0;
  bool scrolled_ = false;  // the input row as drawn shows only part of typed_
  bool at_end_ = true;     // the cursor sits at the end of the drawn input row
};

}  // namespace peerlink
