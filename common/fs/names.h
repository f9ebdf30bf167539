// Rules for names and text that arrive from the network and so cannot be trusted.
#pragma once

#include <string>
#include <string_view>

namespace peerlink {

// 1..32 bytes of [A-Za-z0-9_.-], the first and last a letter or digit, no two of "_.-" in a
// row ("al.ice" yes; "alice.", "alice-", "al..ice" no). The broker also compares names ignoring
// ASCII case (server/registry.h).
bool valid_user_name(std::string_view name);

// True only for a single base name that is safe to create inside a folder: 1..255 bytes, no '/',
// '\\', NUL or other control byte (< 0x20, 0x7f), no invisible or bidi format character (the list
// at printable()), and not starting with '.' (which also rules out "." and "..").
bool safe_file_name(std::string_view name);

// Turns a hostile offered file name into one that satisfies safe_file_name(): keeps the part after
// the last '/' or '\\', drops control bytes and invisible/bidi format characters, strips leading
// '.' and leading/trailing spaces, and truncates to 255 bytes without splitting a UTF-8 sequence.
// Returns "unnamed" if nothing is left. "../../x" -> "x", "/etc/passwd" -> "passwd", ".bashrc" ->
// "bashrc", "invoice_<U+202E>fdp.exe" -> "invoice_fdp.exe".
std::string sanitize_file_name(std::string_view name);

// Makes untrusted text safe to write to a terminal or a log. Each of these becomes one '?':
//  - C0 controls other than '\t' (so also CR, LF, ESC, NUL), and DEL;
//  - UTF-8 encoded C1 controls (U+0080..U+009F, e.g. CSI);
//  - invisible and bidi format characters, which reorder or hide what is shown: the bidi
//    embeddings/overrides/isolates U+202A..U+202E and U+2066..U+2069, the marks U+200E, U+200F
//    and U+061C, U+200B (zero-width space), U+2060..U+2064, U+206A..U+206F, U+FEFF,
//    U+FFF9..U+FFFB, and the line/paragraph separators U+2028, U+2029;
//  - every byte that is not part of well-formed UTF-8 (one '?' per byte).
// Everything else (valid UTF-8, '\t', U+200C/U+200D which scripts and emoji need) is returned
// unchanged. The output never holds a byte below 0x20 other than '\t'.
std::string printable(std::string_view text);

}  // namespace peerlink
