// Lower-case hexadecimal encoding and strict decoding of byte strings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace peerlink {

// Returns the `len` bytes at `data` as 2*len lower-case hex digits.
std::string to_hex(const void* data, size_t len);

// Decodes `hex` (upper- or lower-case digits) into *out. Returns false, leaving *out unspecified,
// if the length is odd or any character is not a hex digit.
bool from_hex(std::string_view hex, std::string* out);

// True for exactly 64 hex digits of either case: a SHA-256 digest written as text.
bool is_sha256_hex(std::string_view text);
// The same check; on success *lower gets the digits in lower case, the form peerlink stores,
// sends and compares. On failure *lower is unchanged.
bool parse_sha256_hex(std::string_view text, std::string* lower);

}  // namespace peerlink
