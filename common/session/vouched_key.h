// The static key the broker vouched for a session's peer (PeerArgs::peer_key, `--peer-key HEX`)
// and the check both peer programs make against the key the Noise handshake proved.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink {

// 64 hex digits (either case) as a key; a failure says "not 64 hex digits".
Expected<X25519Key> parse_vouched_key(std::string_view hex);

// True if `presented` is `vouched`; constant time (no early exit on the first differing byte).
bool is_vouched_key(const X25519Key& presented, const X25519Key& vouched);

// What a session program says of a peer that proved another key: "<peer>'s session presented a
// key the broker did not vouch for".
std::string unvouched_key_message(std::string_view peer);

}  // namespace peerlink
