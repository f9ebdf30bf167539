// The broker's line codec: percent-encoded fields, space-separated, '\n'-terminated, bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/buffer.h"

namespace peerlink {

// Encodes a field so it holds no space, '%', control byte (0x00-0x1f, 0x7f): each becomes %XX
// (upper-case hex). An empty field is encoded as "%-" (the one non-hex escape), so that every
// field is non-empty on the wire.
std::string percent_encode(std::string_view field);

// Decodes %XX escapes (either hex case) and "%-" (empty). False on a malformed escape
// (truncated, non-hex) or on "%-" that is not the whole field.
bool percent_decode(std::string_view field, std::string* out);

// Splits a line on runs of spaces; no decoding. Empty line gives no fields.
std::vector<std::string_view> split_fields(std::string_view line);

// Builds one line from raw words (already safe) and fields to encode.
class LineWriter {
 public:
  explicit LineWriter(std::string_view first_word) : line_(first_word) {}
  LineWriter& word(std::string_view w) {  // appended as-is: for keywords and numbers
    line_.push_back(' ');
    line_.append(w);
    return *this;
  }
  LineWriter& field(std::string_view f) {  // percent-encoded
    line_.push_back(' ');
    line_.append(percent_encode(f));
    return *this;
  }
  LineWriter& num(unsigned long long v) { return word(std::to_string(v)); }
  std::string str() const { return line_ + "\n"; }

 private:
  std::string line_;
};

// Accumulates bytes from a stream and yields complete lines (without "\n" or a trailing "\r").
// A line longer than `max_line` bytes (counting its '\n') is an error: the stream is unusable.
class LineBuffer {
 public:
  enum class Result { kLine, kNeedMore, kTooLong };
  explicit LineBuffer(size_t max_line) : max_line_(max_line) {}
  void append(const char* data, size_t len) { buf_.append(data, len); }
  Result next(std::string* line);
  size_t buffered() const { return buf_.size(); }

 private:
  size_t max_line_;
  Buffer buf_;
  size_t scan_ = 0;  // unread bytes already known to hold no '\n'
};

}  // namespace peerlink
