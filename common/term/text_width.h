// Display width of UTF-8 text in terminal columns, without the C library's locale: one table of
// the main wide and zero-width ranges, so the lobby and the session measure text the same way
// wherever they run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace peerlink {

// Decodes the UTF-8 character starting at s[at]. Returns its length in bytes (at least 1) and
// sets *code_point; an invalid or truncated sequence, an overlong form or a surrogate is one byte
// long with *code_point = kInvalidCodePoint.
inline constexpr uint32_t kInvalidCodePoint = 0xffffffff;
size_t decode_utf8(std::string_view s, size_t at, uint32_t* code_point);

// Columns one code point takes: 0 for combining marks and other zero-width characters, 2 for
// East Asian wide and fullwidth characters (CJK, Hangul, most emoji), 1 otherwise. An invalid
// byte (kInvalidCodePoint) and a control character count 1, so a width is never underestimated.
size_t code_point_width(uint32_t cp);

// Columns of `s` (sum of its code points' widths).
size_t display_width(std::string_view s);

// The byte offset of the character boundary before / after `at` (0 and s.size() at the ends). A
// zero-width character is kept with the one before it, so one step never lands between a letter
// and its accent.
size_t previous_boundary(std::string_view s, size_t at);
size_t next_boundary(std::string_view s, size_t at);

// The longest prefix of `s` taking at most `columns` columns, cut between characters.
std::string_view prefix_of_width(std::string_view s, size_t columns);

}  // namespace peerlink
