// Display width of UTF-8 text in terminal columns.
#include "common/term/text_width.h"

#include <algorithm>
#include <iterator>

namespace peerlink {
namespace {

struct Range {
  uint32_t first, last;
};

// Zero width: combining marks, zero-width spaces and joiners, variation selectors.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd},   {0x0610, 0x061a}, {0x064b, 0x065f},
    {0x0670, 0x0670}, {0x06d6, 0x06dc}, {0x0900, 0x0902},   {0x093c, 0x093c}, {0x0941, 0x0948},
    {0x0e31, 0x0e31}, {0x0e34, 0x0e3a}, {0x0e47, 0x0e4e},   {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff},
    {0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064},   {0x20d0, 0x20ff}, {0xfe00, 0xfe0f},
    {0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
};

// Two columns: East Asian wide and fullwidth, and the emoji blocks terminals draw wide.
constexpr Range kWide[] = {
    {0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},   {0x23e9, 0x23ec},
    {0x23f0, 0x23f0},   {0x23f3, 0x23f3},   {0x25fd, 0x25fe},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267f, 0x267f},   {0x2693, 0x2693},   {0x26a1, 0x26a1},
    {0x26aa, 0x26ab},   {0x26bd, 0x26be},   {0x26c4, 0x26c5},   {0x26ce, 0x26ce},
    {0x26d4, 0x26d4},   {0x26ea, 0x26ea},   {0x26f2, 0x26f3},   {0x26f5, 0x26f5},
    {0x26fa, 0x26fa},   {0x26fd, 0x26fd},   {0x2705, 0x2705},   {0x270a, 0x270b},
    {0x2728, 0x2728},   {0x274c, 0x274c},   {0x274e, 0x274e},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27b0, 0x27b0},   {0x27bf, 0x27bf},
    {0x2b1b, 0x2b1c},   {0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x2e80, 0x303e},
    {0x3041, 0x33ff},   {0x3400, 0x4dbf},   {0x4e00, 0x9fff},   {0xa000, 0xa4cf},
    {0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},   {0xfe10, 0xfe19},
    {0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x16fe0, 0x16fe4},
    {0x17000, 0x18cff}, {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
    {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f251}, {0x1f300, 0x1f320},
    {0x1f32d, 0x1f335}, {0x1f337, 0x1f37c}, {0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca},
    {0x1f3cf, 0x1f3d3}, {0x1f3e0, 0x1f3f0}, {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e},
    {0x1f440, 0x1f440}, {0x1f442, 0x1f4fc}, {0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e},
    {0x1f550, 0x1f567}, {0x1f57a, 0x1f57a}, {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4},
    {0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5}, {0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2},
    {0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec}, {0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb},
    {0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945}, {0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff},
    {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

template <size_t N>
bool in_table(const Range (&table)[N], uint32_t cp) {
  const Range* end = std::end(table);
  const Range* it = std::lower_bound(std::begin(table), end, cp,
                                     [](const Range& r, uint32_t c) { return r.last < c; });
  return it != end && it->first <= cp;
}

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

size_t decode_utf8(std::string_view s, size_t at, uint32_t* code_point) {
  *code_point = kInvalidCodePoint;
  const auto lead = static_cast<unsigned char>(s[at]);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((lead & 0xe0) == 0xc0) {
    len = 2, cp = lead & 0x1fu, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    len = 3, cp = lead & 0x0fu, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    len = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return 1;
  }
  if (s.size() - at < len) return 1;
  for (size_t i = 1; i < len; ++i) {
    const auto c = static_cast<unsigned char>(s[at + i]);
    if (!is_continuation(c)) return 1;
    cp = (cp << 6) | (c & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 1;
  *code_point = cp;
  return len;
}

size_t code_point_width(uint32_t cp) {
  if (cp == kInvalidCodePoint || cp < 0x300) return 1;
  if (in_table(kZeroWidth, cp)) return 0;
  if (in_table(kWide, cp)) return 2;
  return 1;
}

size_t display_width(std::string_view s) {
  size_t cols = 0;
  for (size_t at = 0; at < s.size();) {
    uint32_t cp = 0;
    at += decode_utf8(s, at, &cp);
    cols += code_point_width(cp);
  }
  return cols;
}

namespace {

// The start of the code point that ends at `at` (a lone invalid byte is one).
size_t previous_code_point(std::string_view s, size_t at) {
  size_t start = at - 1;
  const size_t limit = at >= 4 ? at - 4 : 0;
  while (start > limit && is_continuation(static_cast<unsigned char>(s[start]))) --start;
  uint32_t cp = 0;
  if (decode_utf8(s, start, &cp) == at - start) return start;
  return at - 1;
}

bool zero_width_at(std::string_view s, size_t at) {
  uint32_t cp = 0;
  decode_utf8(s, at, &cp);
  return code_point_width(cp) == 0;
}

}  // namespace

size_t previous_boundary(std::string_view s, size_t at) {
  if (at == 0) return 0;
  at = previous_code_point(s, at);
  while (at > 0 && zero_width_at(s, at)) at = previous_code_point(s, at);
  return at;
}

size_t next_boundary(std::string_view s, size_t at) {
  if (at >= s.size()) return s.size();
  uint32_t cp = 0;
  at += decode_utf8(s, at, &cp);
  while (at < s.size() && zero_width_at(s, at)) at += decode_utf8(s, at, &cp);
  return at;
}

std::string_view prefix_of_width(std::string_view s, size_t columns) {
  size_t at = 0;
  size_t used = 0;
  while (at < s.size()) {
    const size_t next = next_boundary(s, at);
    const size_t w = display_width(s.substr(at, next - at));
    if (used + w > columns) break;
    used += w;
    at = next;
  }
  return s.substr(0, at);
}

}  // namespace peerlink
