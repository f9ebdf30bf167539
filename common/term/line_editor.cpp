// The line editor of the lobby and the session.
#include "common/term/line_editor.h"

#include <algorithm>

#include "common/term/text_width.h"

namespace peerlink {
namespace {

constexpr char kCtrlA = 0x01;
constexpr char kCtrlB = 0x02;
constexpr char kCtrlD = 0x04;
constexpr char kCtrlE = 0x05;
constexpr char kCtrlF = 0x06;
constexpr char kBackspace = 0x08;
constexpr char kTab = 0x09;
constexpr char kCtrlK = 0x0b;
constexpr char kCtrlL = 0x0c;
constexpr char kCtrlN = 0x0e;
constexpr char kCtrlP = 0x10;
constexpr char kCtrlU = 0x15;
constexpr char kCtrlW = 0x17;
constexpr char kEsc = 0x1b;
constexpr char kDelete = 0x7f;
constexpr size_t kMaxParams = 16;  // a longer CSI sequence is still swallowed, not parsed

// How many bytes a UTF-8 character with this lead byte has; 0 if it cannot start one.
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const std::string& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  // Never end inside a UTF-8 character.
  while (!prefix.empty()) {
    uint32_t cp = 0;
    size_t at = prefix.size() - 1;
    while (at > 0 && (static_cast<unsigned char>(prefix[at]) & 0xc0) == 0x80) --at;
    if (decode_utf8(prefix, at, &cp) == prefix.size() - at) break;
    prefix.resize(at);
  }
  return prefix;
}

}  // namespace

void LineEditor::clear() {
  buf_.clear();
  cursor_ = 0;
  escape_ = Escape::kNone;
  pending_.clear();
  pending_need_ = 0;
  after_tab_ = false;
  history_at_ = history_.size();
  edited_.clear();
}

LineEditor::Event LineEditor::feed(char c, std::string* echo, std::string* line) {
  const bool after_cr = after_cr_;
  after_cr_ = false;
  if (escape_ != Escape::kNone) {
    const auto u = static_cast<unsigned char>(c);
    // A control byte inside a sequence (ESC then Enter...) ends it and counts as itself.
    if (escape_ == Escape::kEsc || (u >= 0x20 && u < 0x7f)) return escape_byte(c);
    escape_ = Escape::kNone;
  }
  if (pending_need_ != 0) {
    if ((static_cast<unsigned char>(c) & 0xc0) == 0x80) {
      pending_.push_back(c);
      if (pending_.size() < pending_need_) return Event::kNone;
      pending_need_ = 0;
      std::string ch = std::move(pending_);
      pending_.clear();
      uint32_t cp = 0;
      if (decode_utf8(ch, 0, &cp) != ch.size()) return Event::kNone;  // overlong, surrogate
      if (cp < 0xa0) return Event::kNone;                             // C1 controls
      return insert(ch, echo);
    }
    pending_.clear();  // a broken character is dropped; this byte starts afresh
    pending_need_ = 0;
  }
  if (c == '\n' && after_cr) return Event::kNone;
  const Event e = key_byte(c, echo, line);
  if (c != kTab) after_tab_ = false;
  return e;
}

LineEditor::Event LineEditor::key_byte(char c, std::string* echo, std::string* line) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x80) {
    pending_need_ = utf8_length(u);
    if (pending_need_ != 0) pending_.assign(1, c);
    return Event::kNone;
  }
  switch (c) {
    case '\r':
    case '\n':
      after_cr_ = c == '\r';
      return finish_line(line);
    case kBackspace:
    case kDelete: {
      if (cursor_ == 0) return Event::kNone;
      const size_t from = previous_boundary(buf_, cursor_);
      if (cursor_ == buf_.size() && display_width(buf_.substr(from)) == 1) {
        buf_.erase(from);
        cursor_ = from;
        *echo = "\b \b";
        return Event::kEcho;
      }
      return erase(from, cursor_);
    }
    case kCtrlD:
      if (buf_.empty()) return Event::kEof;
      return erase(cursor_, next_boundary(buf_, cursor_));
    case kCtrlA:
      return move_to(0);
    case kCtrlE:
      return move_to(buf_.size());
    case kCtrlB:
      return move_to(previous_boundary(buf_, cursor_));
    case kCtrlF:
      return move_to(next_boundary(buf_, cursor_));
    case kCtrlP:
      return history(-1);
    case kCtrlN:
      return history(+1);
    case kCtrlK:
      return erase(cursor_, buf_.size());
    case kCtrlU:
      if (cursor_ == 0) return Event::kRedraw;
      return erase(0, cursor_);
    case kCtrlW: {
      size_t from = cursor_;
      while (from > 0 && buf_[from - 1] == ' ') --from;
      while (from > 0 && buf_[from - 1] != ' ') --from;
      if (from == cursor_) return Event::kRedraw;
      return erase(from, cursor_);
    }
    case kCtrlL:
      return Event::kRedraw;
    case kTab:
      return complete();
    case kEsc:
      escape_ = Escape::kEsc;
      return Event::kNone;
    default:
      break;
  }
  if (u < 0x20) return Event::kNone;  // other controls
  return insert(std::string_view(&c, 1), echo);
}

LineEditor::Event LineEditor::escape_byte(char c) {
  switch (escape_) {
    case Escape::kEsc:
      params_.clear();
      escape_ = c == '[' ? Escape::kCsi : c == 'O' ? Escape::kSs3 : Escape::kNone;
      return Event::kNone;  // ESC x (Alt-x) is swallowed
    case Escape::kCsi:
      if (c < 0x40) {  // parameter and intermediate bytes
        if (params_.size() < kMaxParams) params_.push_back(c);
        return Event::kNone;
      }
      break;
    case Escape::kSs3:
      params_.clear();
      break;
    case Escape::kNone:
      return Event::kNone;
  }
  escape_ = Escape::kNone;
  // The final byte. Modifiers (ESC[1;5D: Ctrl-Left) are taken as the plain key.
  switch (c) {
    case 'D':
      return move_to(previous_boundary(buf_, cursor_));
    case 'C':
      return move_to(next_boundary(buf_, cursor_));
    case 'A':
      return history(-1);
    case 'B':
      return history(+1);
    case 'H':
      return move_to(0);
    case 'F':
      return move_to(buf_.size());
    case '~':
      if (params_ == "1" || params_ == "7") return move_to(0);
      if (params_ == "4" || params_ == "8") return move_to(buf_.size());
      if (params_ == "3") return erase(cursor_, next_boundary(buf_, cursor_));
      return Event::kNone;
    default:
      return Event::kNone;
  }
}

LineEditor::Event LineEditor::insert(std::string_view text, std::string* echo) {
  if (buf_.size() + text.size() > max_bytes_) return Event::kNone;
  const bool at_end = cursor_ == buf_.size();
  buf_.insert(cursor_, text);
  cursor_ += text.size();
  if (!at_end) return Event::kRedraw;
  *echo = std::string(text);
  return Event::kEcho;
}

LineEditor::Event LineEditor::erase(size_t from, size_t to) {
  if (from >= to) return Event::kNone;
  buf_.erase(from, to - from);
  cursor_ = from;
  return Event::kRedraw;
}

LineEditor::Event LineEditor::move_to(size_t at) {
  if (at == cursor_) return Event::kNone;
  cursor_ = at;
  return Event::kRedraw;
}

LineEditor::Event LineEditor::history(int step) {
  if (step < 0) {
    if (history_at_ == 0) return Event::kNone;
    if (history_at_ == history_.size()) edited_ = buf_;
    --history_at_;
    buf_ = history_[history_at_];
  } else {
    if (history_at_ >= history_.size()) return Event::kNone;
    ++history_at_;
    buf_ = history_at_ == history_.size() ? edited_ : history_[history_at_];
  }
  cursor_ = buf_.size();
  return Event::kRedraw;
}

LineEditor::Event LineEditor::finish_line(std::string* line) {
  *line = std::move(buf_);
  buf_.clear();
  cursor_ = 0;
  if (!line->empty() && (history_.empty() || history_.back() != *line)) {
    history_.push_back(*line);
    if (history_.size() > kHistoryLimit) history_.pop_front();
  }
  history_at_ = history_.size();
  edited_.clear();
  return Event::kLine;
}

LineEditor::Event LineEditor::complete() {
  if (!completer_) return Event::kNone;
  const std::string before = buf_.substr(0, cursor_);
  Completion c = completer_(before);
  if (c.word_start > before.size() || c.candidates.empty()) return Event::kNone;
  const std::string_view word = std::string_view(before).substr(c.word_start);
  std::vector<std::string> matching;
  for (std::string& w : c.candidates) {
    if (w.compare(0, word.size(), word) == 0) matching.push_back(std::move(w));
  }
  if (matching.empty()) return Event::kNone;
  std::sort(matching.begin(), matching.end());
  matching.erase(std::unique(matching.begin(), matching.end()), matching.end());
  std::string add = common_prefix(matching).substr(word.size());
  if (matching.size() == 1) add.push_back(' ');  // complete: on to the next word
  if (!add.empty()) {
    if (buf_.size() + add.size() > max_bytes_) return Event::kNone;
    buf_.insert(cursor_, add);
    cursor_ += add.size();
    after_tab_ = matching.size() > 1;  // still open: the next Tab lists what is left
    return Event::kRedraw;
  }
  if (!after_tab_) {  // nothing more to add: the next Tab lists them
    after_tab_ = true;
    return Event::kNone;
  }
  listed_total_ = matching.size();
  if (matching.size() > kListLimit) matching.resize(kListLimit);
  listed_ = std::move(matching);
  return Event::kList;
}

}  // namespace peerlink
