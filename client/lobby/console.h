// The lobby's screen and keyboard: a terminal (colour, a prompt kept below asynchronous
// notifications, line editing) or plain pipes (one line per result, nothing else).
#pragma once

#include <string>
#include <string_view>

#include "client/lobby/line_editor.h"
#include "client/lobby/terminal_mode.h"

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
  // Repaints the prompt and the partly typed line (terminal only).
  void show_prompt();

  // Call when `in_fd` is readable. On a terminal, consumes the bytes available (one read(2) per
  // byte, stopping at the end of a line); otherwise reads one whole line. Never reads past '\n',
  // so a program exec'd after this line sees the next ones.
  Input read_input(std::string* line);

 private:
  void write_out(std::string_view bytes);
  std::string styled(std::string_view text, Style style) const;
  // The prompt and the typed line as drawn: kept on one screen row (a line that would reach the
  // last column shows only its end, after '<'), so one "\r ESC[K" always wipes all of it.
  // Sets scrolled_.
  std::string typed_row();

  int in_fd_;
  int out_fd_;
  int err_fd_;  // Style::kError lines (out_fd_ unless given)
  bool interactive_;
  bool colour_;
  bool editing_ = false;
  std::string prompt_ = "> ";
  bool scrolled_ = false;  // the row shows only the end of the typed line
  TerminalMode terminal_;
  LineEditor editor_;
};

}  // namespace peerlink::lobby
