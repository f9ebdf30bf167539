// A minimal line editor for a terminal in non-canonical mode.
#include "client/lobby/line_editor.h"

namespace peerlink::lobby {
namespace {

constexpr char kEsc = 0x1b;
constexpr char kCtrlD = 0x04;
constexpr char kCtrlL = 0x0c;
constexpr char kCtrlU = 0x15;
constexpr char kCtrlW = 0x17;
constexpr char kBackspace = 0x08;
constexpr char kDelete = 0x7f;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

}  // namespace

bool LineEditor::erase_char() {
  if (buf_.empty()) return false;
  // Drop continuation bytes, then the lead byte, so a multi-byte character goes as one.
  while (buf_.size() > 1 && is_continuation(buf_.back())) buf_.pop_back();
  buf_.pop_back();
  return true;
}

LineEditor::Event LineEditor::feed(char c, std::string* echo, std::string* line) {
  const bool after_cr = after_cr_;
  after_cr_ = false;
  switch (escape_) {
    case Escape::kEsc:
      escape_ = c == '[' ? Escape::kCsi : c == 'O' ? Escape::kSs3 : Escape::kNone;
      return Event::kNone;
    case Escape::kCsi:
      // Parameter and intermediate bytes continue the sequence; 0x40..0x7e ends it.
      if (c >= 0x40 && c <= 0x7e) escape_ = Escape::kNone;
      return Event::kNone;
    case Escape::kSs3:
      escape_ = Escape::kNone;
      return Event::kNone;
    case Escape::kNone:
      break;
  }
  switch (c) {
    case '\n':
      if (after_cr) return Event::kNone;
      [[fallthrough]];
    case '\r':
      after_cr_ = c == '\r';
      *line = std::move(buf_);
      buf_.clear();
      return Event::kLine;
    case kBackspace:
    case kDelete:
      if (!erase_char()) return Event::kNone;
      *echo = "\b \b";
      return Event::kEcho;
    case kCtrlU:
      buf_.clear();
      return Event::kRedraw;
    case kCtrlW:
      while (!buf_.empty() && buf_.back() == ' ') buf_.pop_back();
      while (!buf_.empty() && buf_.back() != ' ') buf_.pop_back();
      return Event::kRedraw;
    case kCtrlL:
      return Event::kRedraw;
    case kCtrlD:
      return buf_.empty() ? Event::kEof : Event::kNone;
    case kEsc:
      escape_ = Escape::kEsc;
      return Event::kNone;
    case '\t':
      c = ' ';
      break;
    default:
      break;
  }
  if (static_cast<unsigned char>(c) < 0x20) return Event::kNone;  // other controls: ignored
  if (buf_.size() >= max_bytes_) return Event::kNone;
  buf_.push_back(c);
  *echo = std::string(1, c);
  return Event::kEcho;
}

}  // namespace peerlink::lobby
