// The vouched key of a session's peer.
#include "common/session/vouched_key.h"

#include <cstring>

#include "common/base/hex.h"

namespace peerlink {

Expected<X25519Key> parse_vouched_key(std::string_view hex) {
  std::string bytes;
  if (hex.size() != 2 * kX25519Bytes || !from_hex(hex, &bytes)) {
    return Result::failure("not 64 hex digits");
  }
  X25519Key key{};
  std::memcpy(key.data(), bytes.data(), key.size());
  return key;
}

bool is_vouched_key(const X25519Key& presented, const X25519Key& vouched) {
  unsigned diff = 0;
  for (size_t i = 0; i < kX25519Bytes; ++i)
    diff |= unsigned{presented[i]} ^ unsigned { vouched[i] };
  return diff == 0;
}

std::string unvouched_key_message(std::string_view peer) {
  return std::string(peer) + "'s session presented a key the broker did not vouch for";
}

}  // namespace peerlink
