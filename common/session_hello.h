// The session handshake: the HELLO payload (`token "\n" user-name`) and the token hand-over.
#pragma once

#include <string>
#include <string_view>

namespace peerlink {

// Environment variable through which `_c` hands the one-time session token to the peer programs
// (never argv, which every local user can read).
inline constexpr char kTokenEnvVar[] = "PEERLINK_TOKEN";
// Bound on a token accepted from the environment or the wire (the broker's are 64 hex digits).
inline constexpr size_t kMaxTokenBytes = 256;

std::string encode_hello(std::string_view token, std::string_view user_name);
// Splits at the first '\n'. False if there is none or the token is empty or too long; the name
// is returned as sent (untrusted).
bool decode_hello(std::string_view payload, std::string* token, std::string* user_name);

// Reads PEERLINK_TOKEN and removes it from the environment at once, so no program this one
// starts inherits it. Returns "" if it is unset, empty, too long or holds a newline. Call before
// any thread starts (unsetenv is not thread-safe).
std::string take_session_token();

}  // namespace peerlink
