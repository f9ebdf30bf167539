// The secret a lobby hands a session program (_peer_server / _peer_client --session) through
// --secret-fd (common/base/secret_fd.h): the user's identity private key and the one-time session
// token. Its format is defined here and only here (docs/HANDOFF.md, "The secret descriptor"):
// the IDENTITY line every peer program's secret starts with (common/handoff/identity_secret.h),
// then the session's own two lines:
//
//   IDENTITY <the X25519 private key, 64 hex digits>\n
//   peerlink session secret 1\n
//   token <the session token>\n
//
// exactly these three lines in this order, nothing before or after, at most
// kMaxSessionSecretBytes in all. The token is 1..wire::kMaxSessionTokenChars printable ASCII
// characters without spaces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink {

inline constexpr char kSessionSecretHeader[] = "peerlink session secret 1\n";
inline constexpr size_t kMaxSessionSecretBytes = 512;

struct SessionSecret {
  std::string token;
  X25519Key identity{};  // the user's static private key
};

// The memfd contents for `secret` (the caller makes sure the token is valid).
std::string encode_session_secret(const SessionSecret& secret);

// Reads the format above strictly. A failure says what is wrong ("too long", then
// split_identity_secret()'s "the secret has no IDENTITY line", then "no header line", "bad token
// line", "trailing bytes").
Expected<SessionSecret> parse_session_secret(std::string_view text);

// Reads the session secret from the inherited descriptor `secret_fd` and closes it (so no program
// this one starts inherits it). Failures all begin "no session token (": "no session token (no
// --secret-fd)" when secret_fd < 0, "no session token (--secret-fd 5: ...)" when it cannot be
// read, "no session token (a malformed secret was handed over: ...)" otherwise.
Expected<SessionSecret> take_session_secret(int secret_fd);

}  // namespace peerlink
