// The user's identity key inside a peer program's secret descriptor (--secret-fd): how the lobby
// gives `_peer_server --serve` and `_peer_client --fetch` the private key their Noise handshakes
// prove, next to the secret each held before (the ticket key; the OWNER lines).
//
// The descriptor holds one first line, then the program's own secret unchanged:
//
//   IDENTITY <the 32-byte X25519 private key as 64 hex digits>\n
//   <the rest>
//
// The public key is not sent: it is derived from the private key. Never argv or environment.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink {

// The first word of the identity line, and the line's length with its '\n'.
inline constexpr char kIdentityWord[] = "IDENTITY";
inline constexpr size_t kIdentityLineBytes = (sizeof kIdentityWord - 1) + 1 + 2 * kX25519Bytes + 1;

// "IDENTITY <hex>\n" + rest.
std::string join_identity_secret(const X25519KeyPair& identity, std::string_view rest);

struct IdentitySecret {
  X25519KeyPair identity;  // with its public key derived
  std::string rest;        // everything after the identity line's '\n'
};

// Splits what join_identity_secret() wrote. Fails with "the secret has no IDENTITY line" when the
// first line is not `IDENTITY` and 64 hex digits (either case), followed by '\n'.
Expected<IdentitySecret> split_identity_secret(std::string_view secret);

}  // namespace peerlink
