// The one screen of the lobby and the session.
#include "common/term/screen.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/base/io.h"
#include "common/term/progress.h"
#include "common/term/text_width.h"

namespace peerlink {
namespace {

constexpr char kClearLine[] = "\r\x1b[K";
constexpr char kUp[] = "\x1b[A";
constexpr char kReset[] = "\x1b[0m";
constexpr char kDim[] = "\x1b[2m";
constexpr size_t kMinWrapRoom = 20;  // narrower than this, the terminal wraps as it likes

const char* tone_colour(Screen::Tone tone) {
  switch (tone) {
    case Screen::Tone::kPeer:
    case Screen::Tone::kNews:
      return "\x1b[36m";  // cyan
    case Screen::Tone::kNotice:
      return "\x1b[33m";  // yellow
    case Screen::Tone::kError:
      return "\x1b[31m";  // red
    case Screen::Tone::kQuestion:
      return "\x1b[1;33m";  // bold yellow
    case Screen::Tone::kGood:
      return "\x1b[32m";  // green
    case Screen::Tone::kTitle:
      return "\x1b[1m";  // bold
    case Screen::Tone::kPlain:
      break;
  }
  return "";
}

std::string clock_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) return "--:--";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", tm.tm_hour, tm.tm_min);
  return buf;
}

}  // namespace

bool colour_wanted() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && no_colour[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

size_t terminal_columns(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

InputRow input_row(std::string_view typed, size_t cursor, size_t room) {
  if (room < 2) room = 2;
  if (cursor > typed.size()) cursor = typed.size();
  InputRow row;
  if (display_width(typed) <= room) {
    row.text = std::string(typed);
    row.cursor_column = display_width(typed.substr(0, cursor));
    return row;
  }
  row.scrolled = true;
  // The end of the line after '<', as long as the cursor is in it (typing at the end).
  size_t tail = typed.size();
  while (tail > 0) {
    const size_t before = previous_boundary(typed, tail);
    if (display_width(typed.substr(before)) > room - 1) break;
    tail = before;
  }
  if (cursor >= tail) {
    row.text = "<" + std::string(typed.substr(tail));
    row.cursor_column = 1 + display_width(typed.substr(tail, cursor - tail));
    return row;
  }
  // Elsewhere a window with the cursor about in its middle.
  size_t start = cursor;
  while (start > 0) {
    const size_t before = previous_boundary(typed, start);
    if (display_width(typed.substr(before, cursor - before)) > (room - 1) / 2) break;
    start = before;
  }
  if (start == 0) {
    row.text = std::string(prefix_of_width(typed, room));
    row.cursor_column = display_width(typed.substr(0, cursor));
    return row;
  }
  row.text = "<" + std::string(prefix_of_width(typed.substr(start), room - 1));
  row.cursor_column = 1 + display_width(typed.substr(start, cursor - start));
  return row;
}

std::vector<std::string> wrap_text(std::string_view text, size_t first_room, size_t room) {
  std::vector<std::string> rows;
  size_t limit = first_room;
  for (;;) {
    if (limit == 0) limit = 1;
    if (display_width(text) <= limit) {
      rows.emplace_back(text);
      return rows;
    }
    std::string_view piece = prefix_of_width(text, limit);
    if (piece.empty()) piece = text.substr(0, next_boundary(text, 0));  // wider than the room
    const size_t space = piece.rfind(' ');
    if (space != std::string_view::npos && space > 0 && space * 3 >= piece.size() * 2) {
      rows.emplace_back(piece.substr(0, space));  // the space itself ends the row
      text.remove_prefix(space + 1);
    } else {
      rows.emplace_back(piece);
      text.remove_prefix(piece.size());
    }
    limit = room;
  }
}

std::string_view name_colour(std::string_view name) {
  static constexpr std::string_view kColours[] = {"\x1b[32m", "\x1b[33m", "\x1b[34m",
                                                  "\x1b[35m", "\x1b[36m", "\x1b[95m"};
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return kColours[h % std::size(kColours)];
}

Screen::Screen(int fd) : Screen(fd, ::isatty(fd) == 1, colour_wanted()) {}

Screen::Screen(int fd, bool terminal, bool colour)
    : fd_(fd), terminal_(terminal), colour_(terminal && colour) {}

void Screen::set_conversation(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  conversation_ = on;
}

std::string Screen::styled(std::string_view text, Tone tone) const {
  const char* colour = colour_ ? tone_colour(tone) : "";
  if (*colour == '\0' || text.empty()) return std::string(text);
  std::string s = colour;
  s.append(text);
  s += kReset;
  return s;
}

void Screen::line(std::string_view text, Tone tone) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  if (!terminal_) {
    out.reserve(text.size() + 1);
    out.append(text);
    out.push_back('\n');
    write_locked(out);
    return;
  }
  out = erase_locked();
  if (conversation_ && !text.empty()) {
    std::string head = clock_now() + " ";
    head += colour_ ? std::string(kDim) + "-!-" + kReset : std::string("-!-");
    head += " ";
    out += head_line_locked(head, 10, text, tone);
  } else {
    out += styled(text, tone);
    out.push_back('\n');
  }
  out += bottom_locked();
  write_locked(out);
}

void Screen::chat(std::string_view name, std::string_view text, bool own) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!terminal_) {
    if (own) return;
    std::string out(name);
    out += ": ";
    out.append(text);
    out.push_back('\n');
    write_locked(out);
    return;
  }
  std::string head = clock_now() + " ";
  if (colour_) {
    head.append(name_colour(name));
    head.append(name);
    head += kReset;
  } else {
    head.append(name);
  }
  head += ": ";
  std::string out = erase_locked();
  out += head_line_locked(head, 6 + display_width(name) + 2, text, Tone::kPlain);
  out += bottom_locked();
  write_locked(out);
}

std::string Screen::head_line_locked(std::string_view head, size_t head_columns,
                                     std::string_view text, Tone tone) const {
  const size_t width = terminal_columns(fd_);
  const bool wrap = width > head_columns + 1 + kMinWrapRoom;
  const size_t room = wrap ? width - 1 - head_columns : 0;
  const std::string indent(head_columns, ' ');
  std::string out;
  bool first = true;
  for (;;) {
    const size_t nl = text.find('\n');
    const std::string_view part = text.substr(0, nl);
    const std::vector<std::string> rows =
        wrap ? wrap_text(part, room, room) : std::vector<std::string>{std::string(part)};
    for (const std::string& row : rows) {
      if (first) {
        out.append(head);
      } else if (wrap) {
        out += indent;
      }
      first = false;
      out += styled(row, tone);
      out.push_back('\n');
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

void Screen::set_status(uint64_t key, std::string text) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  status_[key] = std::move(text);
  std::string out = erase_locked();
  out += bottom_locked();
  write_locked(out);
}

void Screen::clear_status(uint64_t key) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.erase(key) == 0) return;
  std::string out = erase_locked();
  out += bottom_locked();
  write_locked(out);
}

void Screen::redraw_input_locked() {
  std::string out;
  if (!input_on_) {  // the first draw: the status line (if any) and the input row below it
    out = erase_locked();
    input_on_ = true;
    out += bottom_locked();
  } else {  // only the input row changes
    out = kClearLine;
    out += input_locked();
  }
  write_locked(out);
}

void Screen::set_input(std::string_view prompt, std::string_view typed, size_t cursor) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  prompt_ = std::string(prompt);
  typed_ = std::string(typed);
  cursor_ = cursor;
  redraw_input_locked();
}

void Screen::echo_input(std::string_view echo, std::string_view typed, size_t cursor) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  const bool fits = input_on_ && !scrolled_ && at_end_ && cursor == typed.size() &&
                    display_width(prompt_) + display_width(typed) < terminal_columns(fd_);
  typed_ = std::string(typed);
  cursor_ = cursor;
  if (fits) {
    write_locked(std::string(echo));
    return;
  }
  redraw_input_locked();
}

void Screen::commit_input() {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!input_on_) return;
  std::string out;
  if (status_drawn_) {
    // The status row is above the input row: the typed line is printed in its place instead.
    out = erase_locked();
    out += styled(prompt_, Tone::kTitle) + typed_ + "\n";
    typed_.clear();
    cursor_ = 0;
    out += bottom_locked();
  } else {
    typed_.clear();
    cursor_ = 0;
    scrolled_ = false;
    at_end_ = true;
    out = "\n";
  }
  write_locked(out);
}

void Screen::hide_input() {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!input_on_) return;
  std::string out = erase_locked();
  input_on_ = false;
  typed_.clear();
  cursor_ = 0;
  out += bottom_locked();
  write_locked(out);
}

bool Screen::input_shown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return input_on_;
}

void Screen::redraw() {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = erase_locked();
  out += bottom_locked();
  write_locked(out);
}

std::string Screen::erase_locked() {
  std::string out;
  if (input_on_) {
    out += kClearLine;
    if (status_drawn_) {
      out += kUp;
      out += kClearLine;
    }
  } else if (status_drawn_) {
    out += kClearLine;
  }
  status_drawn_ = false;
  return out;
}

std::string Screen::bottom_locked() {
  std::string out;
  if (!status_.empty()) {
    std::string s;
    for (const auto& [key, text] : status_) {
      if (!s.empty()) s += " | ";
      s += text;
    }
    // A status line that wraps could no longer be wiped with one "\r ESC[K".
    const size_t width = terminal_columns(fd_);
    out += kClearLine;
    out.append(prefix_of_width(s, width > 1 ? width - 1 : 1));
    status_drawn_ = true;
    if (input_on_) out.push_back('\n');
  }
  if (input_on_) out += input_locked();
  return out;
}

std::string Screen::input_locked() {
  const size_t width = terminal_columns(fd_);
  const size_t prompt_cols = display_width(prompt_);
  // Room for the typed text short of the last column, where a terminal would wrap.
  const size_t room = width > prompt_cols + 2 ? width - 1 - prompt_cols : 2;
  const InputRow row = input_row(typed_, cursor_, room);
  std::string out = styled(prompt_, Tone::kTitle);
  out += row.text;
  scrolled_ = row.scrolled;
  const size_t back = display_width(row.text) - row.cursor_column;
  at_end_ = back == 0;
  if (back != 0) out += "\x1b[" + std::to_string(back) + "D";
  return out;
}

void Screen::write_locked(const std::string& bytes) {
  // Nothing sensible can be done if the output is gone (EPIPE, SIGPIPE is ignored): go on.
  (void)send_all(fd_, bytes);
}

std::string Screen::size_text(uint64_t bytes) const {
  return terminal_ ? format_size(bytes) : std::to_string(bytes) + " bytes";
}

}  // namespace peerlink
