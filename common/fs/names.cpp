// Rules for names and text that arrive from the network and so cannot be trusted.
#include "common/fs/names.h"

#include <cstddef>
#include <cstdint>

#include "common/wire/broker_limits.h"

namespace peerlink {
namespace {

// Both are the broker protocol's bounds as well: the broker and the lobby check names here.
constexpr size_t kMaxUserName = wire::kMaxUserNameBytes;
constexpr size_t kMaxFileName = wire::kMaxFileNameBytes;  // NAME_MAX on Linux file systems

// ASCII-only classification: <cctype> depends on the locale and is undefined for negative chars.
bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting a non-ASCII `s`, or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not well formed).
size_t utf8_sequence_length(std::string_view s) {
  const auto byte = [&s](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    if (lead == 0xe0) lo = 0xa0;
    if (lead == 0xed) hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    if (lead == 0xf0) lo = 0x90;
    if (lead == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return len;
}

// The code point of the well-formed sequence of `len` bytes at the start of `s`.
uint32_t decode_utf8(std::string_view s, size_t len) {
  const auto byte = [&s](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[i]));
  };
  if (len == 2) return (byte(0) & 0x1f) << 6 | (byte(1) & 0x3f);
  if (len == 3) return (byte(0) & 0x0f) << 12 | (byte(1) & 0x3f) << 6 | (byte(2) & 0x3f);
  return (byte(0) & 0x07) << 18 | (byte(1) & 0x3f) << 12 | (byte(2) & 0x3f) << 6 | (byte(3) & 0x3f);
}

// Format characters that reorder or hide text without being visible themselves: the bidi
// embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) and marks (U+200E, U+200F,
// U+061C), the zero-width space and word joiner (U+200B, U+2060), the invisible operators
// (U+2061..U+2064), the deprecated format controls (U+206A..U+206F), the byte order mark /
// zero-width no-break space (U+FEFF), the interlinear annotation controls (U+FFF9..U+FFFB), and
// the line and paragraph separators (U+2028, U+2029: a line break a terminal may honour).
// U+200C and U+200D (ZWNJ, ZWJ) are kept: Persian, Indic scripts and emoji sequences need them.
bool is_invisible(uint32_t cp) {
  return cp == 0x061c || cp == 0x200b || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

// Length of the invisible character (is_invisible) encoded at the start of `s`, or 0.
size_t invisible_length(std::string_view s) {
  if (s.empty() || static_cast<unsigned char>(s[0]) < 0x80) return 0;
  const size_t len = utf8_sequence_length(s);
  return len != 0 && is_invisible(decode_utf8(s, len)) ? len : 0;
}

// Removes every invisible character, including one that only forms once another is gone (a
// stray lead byte before it, continuation bytes after it). Each byte is appended, then an
// invisible character ending at the tail is popped: a character in the result would have been
// seen there when its last byte arrived. Linear in the size.
void drop_invisible(std::string* s) {
  std::string out;
  out.reserve(s->size());
  for (const char ch : *s) {
    out.push_back(ch);
    for (const size_t len : {size_t{2}, size_t{3}}) {  // every invisible character's length
      if (out.size() >= len &&
          invisible_length(std::string_view(out).substr(out.size() - len)) == len) {
        out.resize(out.size() - len);
        break;
      }
    }
  }
  s->swap(out);
}

}  // namespace

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName) return false;
  // Starts and ends with a letter or digit, and no two punctuation marks in a row, so that
  // `alice.`, `alice-` or `al..ice` cannot pass for `alice` or `al.ice` at a glance.
  if (!is_alnum(static_cast<unsigned char>(name.front()))) return false;
  if (!is_alnum(static_cast<unsigned char>(name.back()))) return false;
  bool after_punct = false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_alnum(c)) {
      after_punct = false;
      continue;
    }
    if ((c != '_' && c != '.' && c != '-') || after_punct) return false;
    after_punct = true;
  }
  return true;
}

bool safe_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFileName || name[0] == '.') return false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '/' || c == '\\' || is_control(c)) return false;  // NUL is a control byte
  }
  // Every position, not only sequence starts: a stray byte before one must not hide it.
  for (size_t i = 0; i < name.size(); ++i) {
    if (invisible_length(name.substr(i)) != 0) return false;
  }
  return true;
}

std::string sanitize_file_name(std::string_view name) {
  const size_t sep = name.find_last_of("/\\");
  if (sep != std::string_view::npos) name.remove_prefix(sep + 1);

  std::string out;
  out.reserve(name.size());
  for (const char ch : name) {
    if (!is_control(static_cast<unsigned char>(ch))) out.push_back(ch);
  }
  // After the control bytes: dropping one of those can complete an invisible sequence.
  drop_invisible(&out);

  // Dropping control bytes can bring a '.' or ' ' to the front, so strip after filtering.
  const size_t first = out.find_first_not_of(". ");
  if (first == std::string::npos) return "unnamed";
  out.erase(0, first);

  if (out.size() > kMaxFileName) {
    // Back up over at most three continuation bytes to the start of the sequence that straddles
    // the limit; more than three cannot be valid UTF-8, so cut anywhere.
    size_t cut = kMaxFileName;
    for (int i = 0; i < 3 && is_continuation(static_cast<unsigned char>(out[cut])); ++i) --cut;
    if (is_continuation(static_cast<unsigned char>(out[cut]))) cut = kMaxFileName;
    out.resize(cut);
  }

  const size_t last = out.find_last_not_of(' ');
  if (last == std::string::npos) return "unnamed";
  out.resize(last + 1);
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(is_control(c) && c != '\t' ? '?' : static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(text.substr(i));
    if (len == 0) {
      out.push_back('?');  // one '?' per bad byte, then resynchronise on the next byte
      ++i;
      continue;
    }
    // U+0080..U+009F (C1 controls, e.g. CSI) are encoded as 0xC2 0x80..0x9F.
    if ((c == 0xc2 && static_cast<unsigned char>(text[i + 1]) <= 0x9f) ||
        is_invisible(decode_utf8(text.substr(i), len))) {
      out.push_back('?');
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace peerlink
