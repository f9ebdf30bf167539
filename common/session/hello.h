// The session's first frame: the HELLO payload (`token "\n" user-name`), sent inside the Noise
// transport once the handshake is done.
#pragma once

#include <string>
#include <string_view>

#include "common/wire/broker_limits.h"

namespace peerlink {

// Bound on a token accepted from the hand-over or the wire (the broker's are 64 hex digits).
inline constexpr size_t kMaxTokenBytes = wire::kMaxSessionTokenChars;

std::string encode_hello(std::string_view token, std::string_view user_name);
// Splits at the first '\n'. False if there is none or the token is empty or too long; the name
// is returned as sent (untrusted).
bool decode_hello(std::string_view payload, std::string* token, std::string* user_name);

}  // namespace peerlink
