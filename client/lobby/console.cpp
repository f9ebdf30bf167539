// The lobby's screen and keyboard.
#include "client/lobby/console.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/io.h"
#include "common/term/stdin_lines.h"
#include "common/term/text_width.h"

namespace peerlink::lobby {
namespace {

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
      screen_(out_fd, interactive, colour),
      terminal_(in_fd) {}

void LobbyConsole::write_out(std::string_view bytes) {
  // A vanished reader (EPIPE, SIGPIPE is ignored) is not worth stopping for: the lobby goes on.
  (void)send_all(out_fd_, bytes.data(), bytes.size());
}

Screen::Tone LobbyConsole::tone_of(Style style) {
  switch (style) {
    case Style::kPlain:
      return Screen::Tone::kPlain;
    case Style::kNotice:
      return Screen::Tone::kNews;
    case Style::kQuestion:
      return Screen::Tone::kQuestion;
    case Style::kError:
      return Screen::Tone::kError;
    case Style::kGood:
      return Screen::Tone::kGood;
    case Style::kTitle:
      return Screen::Tone::kTitle;
  }
  return Screen::Tone::kPlain;
}

void LobbyConsole::print(std::string_view text, Style style) {
  if (style == Style::kError) ++error_lines_;
  if (style == Style::kError && err_fd_ != out_fd_) {  // no terminal: errors go to stderr
    std::string out(text);
    out.push_back('\n');
    (void)send_all(err_fd_, out.data(), out.size());
    return;
  }
  screen_.line(text, tone_of(style));
}

void LobbyConsole::fatal(std::string_view text) {
  screen_.hide_input();  // the line goes to stderr, on the row the prompt had
  std::string out = screen_.styled(text, Screen::Tone::kError);
  out.push_back('\n');
  (void)send_all(2, out.data(), out.size());
}

bool LobbyConsole::ask(std::string_view question, std::string* answer) {
  if (interactive_) {
    std::string q = screen_.styled(question, Screen::Tone::kQuestion);
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
  screen_.hide_input();
  terminal_.restore();
  editing_ = false;
  editor_.clear();
}

void LobbyConsole::resume_editing() {
  if (!editing_) return;
  terminal_.restore();
  if (!terminal_.enter_raw()) {
    editing_ = false;
    screen_.hide_input();
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
  screen_.set_input(prompt_, editor_.buffer(), editor_.cursor());
}

void LobbyConsole::list_candidates() {
  // In rows of names two spaces apart, each row short of the terminal's last column.
  const std::vector<std::string>& names = editor_.candidates();
  const size_t width = terminal_columns(out_fd_);
  std::string row;
  for (const std::string& name : names) {
    if (!row.empty() && display_width(row) + 2 + display_width(name) >= width) {
      print(row);
      row.clear();
    }
    if (!row.empty()) row += "  ";
    row += name;
  }
  if (!row.empty()) print(row);
  if (editor_.candidates_total() > names.size())
    print("... and " + std::to_string(editor_.candidates_total() - names.size()) + " more");
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
        screen_.echo_input(echo, editor_.buffer(), editor_.cursor());
        break;
      case LineEditor::Event::kRedraw:
        show_prompt();
        break;
      case LineEditor::Event::kList:
        list_candidates();
        break;
      case LineEditor::Event::kLine:
        screen_.commit_input();  // the line stays on the screen as typed
        return Input::kLine;
      case LineEditor::Event::kEof:
        screen_.commit_input();
        return Input::kEof;
    }
  } while (readable_now(in_fd_));
  return Input::kPending;
}

}  // namespace peerlink::lobby
