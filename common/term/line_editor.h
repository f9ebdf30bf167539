// The line editor of the lobby and the session: a buffer with a cursor, edited by the bytes a
// terminal in raw mode sends (keys, escape sequences, UTF-8), with history and a completion
// hook. Pure: no I/O; the caller draws buffer() and cursor() (common/term/screen.h).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace peerlink {

// Keys (docs/TERMINAL.md): Left/Right (ESC[D/C, ESC O D/C, Ctrl-B/F), Home/End (ESC[H/F,
// ESC[1~/4~, ESC[7~/8~, ESC O H/F, Ctrl-A/E), Backspace (DEL or Ctrl-H), Delete (ESC[3~, Ctrl-D
// on a non-empty line), Ctrl-W (the word before the cursor), Ctrl-U (to the start), Ctrl-K (to
// the end), Up/Down (history), Ctrl-L (repaint), Ctrl-D on an empty line (end of input), Enter
// ("\r", "\n", "\r\n" as one), Tab (completion). Other escape sequences are swallowed whole,
// other control bytes ignored. The buffer is always valid UTF-8: a byte that does not start or
// continue a valid character (or a C1 control) is dropped, so what is drawn is never broken.
class LineEditor {
 public:
  enum class Event {
    kNone,    // nothing changed
    kEcho,    // only *echo needs writing: typed text appended at the end, or "\b \b"
    kRedraw,  // buffer or cursor changed: draw the input line again
    kLine,    // a line is complete: *line holds it, the buffer is empty again
    kEof,     // Ctrl-D on an empty line
    kList,    // a second Tab: show candidates() above the input line
  };

  // What a completion hook offers for the text before the cursor: the candidates for the word
  // that starts at `word_start` (a byte offset into that text) and ends at the cursor.
  struct Completion {
    size_t word_start = 0;
    std::vector<std::string> candidates;
  };
  using Completer = std::function<Completion(std::string_view before_cursor)>;

  static constexpr size_t kHistoryLimit = 200;
  static constexpr size_t kListLimit = 40;  // candidates shown by a second Tab

  explicit LineEditor(size_t max_bytes = 4096) : max_bytes_(max_bytes) {}

  // Feeds one byte. *echo and *line are only written for kEcho and kLine.
  Event feed(char c, std::string* echo, std::string* line);

  const std::string& buffer() const { return buf_; }
  size_t cursor() const { return cursor_; }  // a byte offset into buffer(), on a boundary
  // After kList: the candidates (at most kListLimit) and how many there were in all.
  const std::vector<std::string>& candidates() const { return listed_; }
  size_t candidates_total() const { return listed_total_; }

  void set_completer(Completer completer) { completer_ = std::move(completer); }
  // Empties the buffer (a half-read escape sequence or character is forgotten); keeps history.
  void clear();

 private:
  enum class Escape { kNone, kEsc, kCsi, kSs3 };
  Event key_byte(char c, std::string* echo, std::string* line);
  Event escape_byte(char c);
  Event insert(std::string_view text, std::string* echo);
  Event erase(size_t from, size_t to);  // [from, to) of the buffer
  Event move_to(size_t at);
  Event history(int step);
  Event complete();
  Event finish_line(std::string* line);

  size_t max_bytes_;
  std::string buf_;
  size_t cursor_ = 0;
  Escape escape_ = Escape::kNone;
  std::string params_;   // of the CSI sequence being read
  std::string pending_;  // the bytes of a UTF-8 character read so far
  size_t pending_need_ = 0;
  bool after_cr_ = false;   // a '\n' right after '\r' ends no second line
  bool after_tab_ = false;  // the last key was a Tab that completed nothing more

  std::deque<std::string> history_;
  size_t history_at_ = 0;  // == history_.size(): the line being edited
  std::string edited_;     // the line being edited, kept while browsing history

  Completer completer_;
  std::vector<std::string> listed_;
  size_t listed_total_ = 0;
};

}  // namespace peerlink
