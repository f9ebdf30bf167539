// Key fingerprints: how people compare a static public key (the broker's, written on the board)
// without reading 32 bytes of binary. A fingerprint is the SHA-256 of the 32-byte public key,
// written as 64 lower-case hex digits.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink {

inline constexpr size_t kFingerprintDigits = 64;

// Hex SHA-256 of `public_key`: 64 lower-case digits.
std::string key_fingerprint(const X25519Key& public_key);

// `hex` in groups of 4 digits separated by single spaces ("1a2b 3c4d ..."), the form `_s` prints;
// a last group may be shorter when the length is not a multiple of 4.
std::string grouped_fingerprint(std::string_view hex);

// What a person typed or pasted: 64 hex digits of either case, optionally preceded by "SHA256:"
// (either case) and with spaces or ':' between the digits ("1A2B 3C4D ...", "1a:2b:...",
// "SHA256:1a2b..."); leading and trailing blanks are ignored. Gives the 64-digit lower-case form,
// or a failure saying what is wrong ("not a fingerprint: 'x' is not a hex digit", "not a
// fingerprint: 63 hex digits, 64 expected").
Expected<std::string> parse_fingerprint(std::string_view text);

}  // namespace peerlink
