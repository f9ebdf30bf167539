// The session handshake: the HELLO payload (`token "\n" user-name`) and the token hand-over.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/wire/broker_limits.h"

namespace peerlink {

// Bound on a token accepted from the hand-over or the wire (the broker's are 64 hex digits).
inline constexpr size_t kMaxTokenBytes = wire::kMaxSessionTokenChars;

std::string encode_hello(std::string_view token, std::string_view user_name);
// Splits at the first '\n'. False if there is none or the token is empty or too long; the name
// is returned as sent (untrusted).
bool decode_hello(std::string_view payload, std::string* token, std::string* user_name);

// Reads the one-time session token `_c` handed over in the descriptor `secret_fd` (--secret-fd,
// common/base/secret_fd.h) and closes it, so no program this one starts inherits it. A failure
// ("no session token (...)") if there is none (secret_fd < 0), it cannot be read, or it is
// empty, too long or holds a newline.
Expected<std::string> take_session_token(int secret_fd);

}  // namespace peerlink
