// The broker's line codec.
#include "common/wire/line_codec.h"

#include <cstring>

namespace peerlink {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool needs_escape(unsigned char c) { return c <= 0x20 || c == '%' || c == 0x7f; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_encode(std::string_view field) {
  if (field.empty()) return "%-";
  std::string out;
  out.reserve(field.size());
  for (char ch : field) {
    auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool percent_decode(std::string_view field, std::string* out) {
  out->clear();
  if (field == "%-") return true;
  out->reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '%') {
      out->push_back(field[i]);
      continue;
    }
    if (i + 2 >= field.size()) return false;  // truncated escape
    int hi = hex_value(field[i + 1]);
    int lo = hex_value(field[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

LineBuffer::Result LineBuffer::next(std::string* line) {
  const char* base = buf_.data();
  const size_t avail = buf_.size();
  const void* nl = std::memchr(base + scan_, '\n', avail - scan_);
  if (nl == nullptr) {
    scan_ = avail;
    if (avail >= max_line_) return Result::kTooLong;
    return Result::kNeedMore;
  }
  size_t len = static_cast<size_t>(static_cast<const char*>(nl) - base);
  if (len + 1 > max_line_) return Result::kTooLong;
  size_t end = len;
  if (end > 0 && base[end - 1] == '\r') --end;
  line->assign(base, end);
  buf_.consume(len + 1);
  scan_ = 0;
  return Result::kLine;
}

}  // namespace peerlink
