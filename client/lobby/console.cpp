// The lobby's screen and keyboard.
#include "client/lobby/console.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/base/io.h"
#include "common/term/stdin_lines.h"
#include "common/term/terminal.h"

namespace peerlink::lobby {
namespace {

constexpr std::string_view kClearLine = "\r\033[K";
constexpr std::string_view kReset = "\033[0m";

// Screen columns of UTF-8 text, one per character (wide characters are not told apart).
size_t columns(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

// The end of `s` that takes at most `cols` columns, cut between characters.
std::string_view last_columns(std::string_view s, size_t cols) {
  size_t start = s.size();
  while (start > 0 && cols > 0) {
    --start;
    if ((static_cast<unsigned char>(s[start]) & 0xc0) != 0x80) --cols;
  }
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) ++start;
  return s.substr(start);
}

bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

}  // namespace

LobbyConsole LobbyConsole::from_environment(int in_fd, int out_fd, int err_fd) {
  bool tty = ::isatty(in_fd) == 1 && ::isatty(out_fd) == 1;
  // On a terminal everything goes to it, in order with the prompt.
  return LobbyConsole(in_fd, out_fd, tty, tty && colour_wanted(), tty ? -1 : err_fd);
}

LobbyConsole::LobbyConsole(int in_fd, int out_fd, bool interactive, bool colour, int err_fd)
    : in_fd_(in_fd),
      out_fd_(out_fd),
      err_fd_(err_fd < 0 ? out_fd : err_fd),
      interactive_(interactive),
      colour_(colour),
      terminal_(in_fd) {}

void LobbyConsole::write_out(std::string_view bytes) {
  // A vanished reader (EPIPE, SIGPIPE is ignored) is not worth stopping for: the lobby goes on.
  (void)send_all(out_fd_, bytes.data(), bytes.size());
}

std::string LobbyConsole::styled(std::string_view text, Style style) const {
  if (!colour_) return std::string(text);
  std::string_view code;
  switch (style) {
    case Style::kPlain:
      return std::string(text);
    case Style::kNotice:
      code = "\033[36m";  // cyan
      break;
    case Style::kQuestion:
      code = "\033[1;33m";  // bold yellow
      break;
    case Style::kError:
      code = "\033[31m";  // red
      break;
    case Style::kGood:
      code = "\033[32m";  // green
      break;
    case Style::kTitle:
      code = "\033[1m";  // bold
      break;
  }
  std::string out(code);
  out.append(text);
  out.append(kReset);
  return out;
}

void LobbyConsole::print(std::string_view text, Style style) {
  std::string out;
  if (editing_) out.append(kClearLine);
  out.append(styled(text, style));
  out.push_back('\n');
  if (editing_) out.append(typed_row());
  if (style == Style::kError && err_fd_ != out_fd_) {
    (void)send_all(err_fd_, out.data(), out.size());
    return;
  }
  write_out(out);
}

std::string LobbyConsole::typed_row() {
  const size_t width = terminal_columns(out_fd_);
  const std::string& typed = editor_.buffer();
  const size_t prompt_cols = columns(prompt_);
  std::string row = styled(prompt_, Style::kTitle);
  // Room for the typed text short of the last column, where a terminal would wrap.
  const size_t room = width > prompt_cols + 2 ? width - 1 - prompt_cols : 2;
  scrolled_ = columns(typed) > room;
  if (!scrolled_) {
    row.append(typed);
  } else {
    row.push_back('<');
    row.append(last_columns(typed, room - 1));
  }
  return row;
}

void LobbyConsole::fatal(std::string_view text) {
  std::string out;
  if (editing_) out.append(kClearLine);
  out.append(styled(text, Style::kError));
  out.push_back('\n');
  (void)send_all(2, out.data(), out.size());
}

bool LobbyConsole::ask(std::string_view question, std::string* answer) {
  if (interactive_) {
    std::string q = styled(question, Style::kQuestion);
    q.push_back(' ');
    write_out(q);
  } else {
    print(question, Style::kQuestion);
  }
  Result r = read_line_unbuffered(in_fd_, answer);
  if (!r.ok() && interactive_) write_out("\n");  // leave the cursor on a fresh line after ^D
  return r.ok();
}

void LobbyConsole::start_editing() {
  if (!interactive_ || editing_) return;
  editing_ = terminal_.enter_raw();
  if (editing_) show_prompt();
}

void LobbyConsole::stop_editing() {
  if (!editing_) return;
  write_out(kClearLine);
  terminal_.restore();
  editing_ = false;
  scrolled_ = false;
  editor_.clear();
}

void LobbyConsole::resume_editing() {
  if (!editing_) return;
  terminal_.restore();
  if (!terminal_.enter_raw()) {
    editing_ = false;
    return;
  }
  show_prompt();
}

void LobbyConsole::set_prompt(std::string prompt) {
  if (prompt == prompt_) return;
  prompt_ = std::move(prompt);
  show_prompt();
}

void LobbyConsole::show_prompt() {
  if (!editing_) return;
  std::string out(kClearLine);
  out.append(typed_row());
  write_out(out);
}

LobbyConsole::Input LobbyConsole::read_input(std::string* line) {
  if (!editing_) {
    Result r = read_line_unbuffered(in_fd_, line);
    if (r.ok()) return Input::kLine;
    return r.status() == Status::kClosed ? Input::kEof : Input::kError;
  }
  // One byte per read(2): what follows this line stays in the terminal for the next program.
  do {
    char c = 0;
    size_t got = 0;
    Result r = recv_some(in_fd_, &c, 1, &got);
    if (r.status() == Status::kClosed) return Input::kEof;
    if (!r.ok()) return r.error() == EAGAIN ? Input::kPending : Input::kError;
    std::string echo;
    switch (editor_.feed(c, &echo, line)) {
      case LineEditor::Event::kNone:
        break;
      case LineEditor::Event::kEcho:
        // A byte echoed where the row is scrolled, or would reach the last column, would wrap
        // or show the wrong end: the row is drawn again instead.
        if (scrolled_ ||
            columns(prompt_) + columns(editor_.buffer()) >= terminal_columns(out_fd_)) {
          show_prompt();
        } else {
          write_out(echo);
        }
        break;
      case LineEditor::Event::kRedraw:
        show_prompt();
        break;
      case LineEditor::Event::kLine:
        scrolled_ = false;
        write_out("\n");
        return Input::kLine;
      case LineEditor::Event::kEof:
        write_out("\n");
        return Input::kEof;
    }
  } while (readable_now(in_fd_));
  return Input::kPending;
}

}  // namespace peerlink::lobby
