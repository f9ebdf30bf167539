// HMAC-SHA-256 (RFC 2104) and a timing-safe comparison for checking MACs.
#pragma once

#include <string_view>

#include "common/crypto/sha256.h"

namespace peerlink {

// HMAC-SHA-256 of `message` under `key` (any length; keys longer than 64 bytes are hashed first).
Sha256::Digest hmac_sha256(std::string_view key, std::string_view message);

// True if `a` and `b` hold the same bytes. For equal lengths the time taken does not depend on
// where they differ; the lengths themselves are not treated as secret.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace peerlink
