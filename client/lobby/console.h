// The lobby's screen and keyboard: a terminal (colour, a prompt kept below asynchronous
// notifications, line editing with history and Tab completion) or plain pipes (one line per
// result, nothing else). The drawing is the shared Screen's and the editing the shared
// LineEditor's (common/term), the same as in a chat session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/term/line_editor.h"
#include "common/term/screen.h"
#include "common/term/terminal_mode.h"

namespace peerlink::lobby {

// Writes to `out_fd` and reads from `in_fd` (stdin/stdout; not owned). All output goes through
// write(2), never stdio buffers, so nothing is lost or duplicated when the process execs.
class LobbyConsole {
 public:
  enum class Style {
    kPlain,     // results
    kNotice,    // asynchronous news: joins, leaves, answers
    kQuestion,  // something the user should answer
    kError,     // something failed
    kGood,      // something worked
    kTitle,     // headings
  };
  enum class Input {
    kLine,     // *line holds one complete line
    kPending,  // bytes were consumed but no line is complete yet (terminal only)
    kEof,      // end of input (stdin closed, or Ctrl-D on an empty line)
    kError,
  };

  // A terminal when both fds are terminals; colour unless NO_COLOR is set (non-empty) or TERM is
  // "dumb". Without a terminal, error lines (Style::kError, fatal()) go to `err_fd` and all else
  // to `out_fd`: results and errors never share a stream (docs/LOBBY.md, "Lines _c prints").
  static LobbyConsole from_environment(int in_fd = 0, int out_fd = 1, int err_fd = 2);
  // `err_fd` < 0: error lines go to `out_fd` too.
  LobbyConsole(int in_fd, int out_fd, bool interactive, bool colour, int err_fd = -1);

  bool interactive() const { return interactive_; }

  // Prints one line (an error line to the error stream, see from_environment()). While editing, it
  // appears above the prompt and the partly typed input is redrawn below it, so notifications never
  // garble what the user is typing.
  void print(std::string_view text, Style style = Style::kPlain);
  // How many kError lines print() has written: a command that adds one has failed (the exit
  // status of a script, docs/LOBBY.md).
  size_t error_lines() const { return error_lines_; }

  // Prints the one line that explains why the program is about to exit non-zero, to stderr (in
  // order with stdout, as both are written unbuffered).
  void fatal(std::string_view text);

  // Blocking question for start-up (not while editing): on a terminal the question is a prompt on
  // the same line; otherwise it is printed as a line. Reads one line without reading ahead.
  // False at end of input or on an error.
  bool ask(std::string_view question, std::string* answer);

  // Lobby input. start_editing() switches a terminal to raw mode (no-op otherwise);
  // stop_editing() restores it (before exec or exit).
  void start_editing();
  void stop_editing();
  bool editing() const { return editing_; }
  // After a SIGCONT: the shell may have reset the terminal, so set raw mode again and repaint.
  void resume_editing();

  // The prompt shown while editing ("> "); repainted at once if it changed.
  void set_prompt(std::string prompt);
  const std::string& prompt() const { return prompt_; }
  // Repaints the prompt and the partly typed line (terminal only), at the terminal's current
  // width (also the answer to SIGWINCH).
  void show_prompt();

  // What Tab completes (terminal only): see LineEditor::Completer.
  void set_completer(LineEditor::Completer completer) {
    editor_.set_completer(std::move(completer));
  }

  // Call when `in_fd` is readable. On a terminal, consumes the bytes available (one read(2) per
  // byte, stopping at the end of a line); otherwise reads one whole line. Never reads past '\n',
  // so a program exec'd after this line sees the next ones.
  Input read_input(std::string* line);

 private:
  void write_out(std::string_view bytes);
  static Screen::Tone tone_of(Style style);
  void list_candidates();  // after a second Tab

  int in_fd_;
  int out_fd_;
  int err_fd_;  // Style::kError lines (out_fd_ unless given)
  bool interactive_;
  bool editing_ = false;
  std::string prompt_ = "> ";
  Screen screen_;
  size_t error_lines_ = 0;
  TerminalMode terminal_;
  LineEditor editor_;
};

}  // namespace peerlink::lobby
