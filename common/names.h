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
// '\\', NUL or other control byte (< 0x20, 0x7f), and not starting with '.' (which also rules out
// "." and "..").
bool safe_file_name(std::string_view name);

// Turns a hostile offered file name into one that satisfies safe_file_name(): keeps the part after
// the last '/' or '\\', drops control bytes, strips leading '.' and leading/trailing spaces, and
// truncates to 255 bytes without splitting a UTF-8 sequence. Returns "unnamed" if nothing is
// left. "../../x" -> "x", "/etc/passwd" -> "passwd", ".bashrc" -> "bashrc".
std::string sanitize_file_name(std::string_view name);

// Makes untrusted text safe to write to a terminal: C0 controls other than '\t', DEL, UTF-8
// encoded C1 controls (U+0080..U+009F) and every byte that is not part of valid UTF-8 become '?'.
// Valid UTF-8 text is returned unchanged.
std::string printable(std::string_view text);

}  // namespace peerlink
