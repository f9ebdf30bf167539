// Session output: whole lines from several threads and, on a terminal, one live status line.
#include "common/term/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/base/io.h"

namespace peerlink {
namespace {

constexpr char kClearLine[] = "\r\x1b[K";
constexpr char kReset[] = "\x1b[0m";

const char* tone_colour(Console::Tone tone) {
  switch (tone) {
    case Console::Tone::kPeer:
      return "\x1b[36m";  // cyan
    case Console::Tone::kNotice:
      return "\x1b[33m";  // yellow
    case Console::Tone::kError:
      return "\x1b[31m";  // red
    case Console::Tone::kPlain:
      break;
  }
  return "";
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

Console::Console(int fd) : Console(fd, ::isatty(fd) == 1, colour_wanted()) {}

Console::Console(int fd, bool terminal, bool colour)
    : fd_(fd), terminal_(terminal), colour_(terminal && colour) {}

void Console::line(std::string_view text, Tone tone) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  if (!terminal_) {
    out.reserve(text.size() + 1);
    out.append(text);
    out.push_back('\n');
    write_locked(out);
    return;
  }
  // The status line is wiped, the text printed where it was, and the status redrawn below, so
  // progress bars never end up in the middle of the conversation.
  if (status_drawn_) out += kClearLine;
  const char* colour = colour_ ? tone_colour(tone) : "";
  out += colour;
  out.append(text);
  if (*colour != '\0') out += kReset;
  out.push_back('\n');
  const std::string status = status_line_locked();
  out += status;
  status_drawn_ = !status.empty();
  write_locked(out);
}

void Console::set_status(uint64_t key, std::string text) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  status_[key] = std::move(text);
  std::string out = kClearLine;
  out += status_line_locked();
  status_drawn_ = true;
  write_locked(out);
}

void Console::clear_status(uint64_t key) {
  if (!terminal_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.erase(key) == 0) return;
  std::string out = kClearLine;
  out += status_line_locked();
  status_drawn_ = !status_.empty();
  write_locked(out);
}

std::string Console::status_line_locked() const {
  std::string s;
  for (const auto& [key, text] : status_) {
    if (!s.empty()) s += " | ";
    s += text;
  }
  // A status line that wraps could no longer be wiped with one "\r ESC[K".
  const size_t width = terminal_columns(fd_);
  if (width > 1 && s.size() > width - 1) {
    size_t cut = width - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;  // UTF-8
    s.resize(cut);
  }
  return s;
}

void Console::write_locked(const std::string& bytes) {
  // Nothing sensible can be done if stdout is gone; the session itself goes on.
  (void)send_all(fd_, bytes);
}

}  // namespace peerlink
