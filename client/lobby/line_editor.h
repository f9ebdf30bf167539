// A minimal line editor for a terminal in non-canonical mode: the lobby needs to know what the
// user has typed so far, to redraw it after printing a notification above it. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>

namespace peerlink::lobby {

// Collects one line from bytes fed one at a time. Supports appending, Backspace (a whole UTF-8
// character), Ctrl-U (erase line), Ctrl-W (erase word), Ctrl-L (repaint) and Ctrl-D (end of input
// on an empty line); escape sequences (arrow keys...) are swallowed. Lines are bounded.
class LineEditor {
 public:
  enum class Event {
    kNone,    // nothing to show
    kEcho,    // write *echo to the terminal (the typed byte, or "\b \b")
    kRedraw,  // repaint the prompt and buffer()
    kLine,    // a line is complete: *line holds it, the buffer is empty again
    kEof,     // Ctrl-D on an empty line
  };

  explicit LineEditor(size_t max_bytes = 4096) : max_bytes_(max_bytes) {}

  // Feeds one byte. *echo and *line are only written for kEcho and kLine.
  Event feed(char c, std::string* echo, std::string* line);

  const std::string& buffer() const { return buf_; }
  void clear() {
    buf_.clear();
    escape_ = Escape::kNone;
  }

 private:
  enum class Escape { kNone, kEsc, kCsi, kSs3 };
  bool erase_char();  // false if the buffer was empty

  size_t max_bytes_;
  std::string buf_;
  Escape escape_ = Escape::kNone;
  bool after_cr_ = false;  // a '\n' right after '\r' ends no second line
};

}  // namespace peerlink::lobby
