// HMAC-SHA-256 (RFC 2104) and a timing-safe comparison for checking MACs.
#include "common/crypto/hmac.h"

#include <cstdint>

namespace peerlink {

Sha256::Digest hmac_sha256(std::string_view key, std::string_view message) {
  // K0: the key, hashed if longer than a block, then zero-padded to one block.
  uint8_t k0[Sha256::kBlockBytes] = {};
  if (key.size() > Sha256::kBlockBytes) {
    const Sha256::Digest kd = sha256(key);
    for (size_t i = 0; i < kd.size(); ++i) k0[i] = kd[i];
  } else {
    for (size_t i = 0; i < key.size(); ++i) k0[i] = static_cast<uint8_t>(key[i]);
  }

  uint8_t pad[Sha256::kBlockBytes];
  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ 0x36);
  Sha256 inner;
  inner.update(pad, sizeof(pad));
  inner.update(message);
  const Sha256::Digest inner_digest = inner.finish();

  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = static_cast<uint8_t>(k0[i] ^ 0x5c);
  Sha256 outer;
  outer.update(pad, sizeof(pad));
  outer.update(inner_digest.data(), inner_digest.size());
  return outer.finish();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // Accumulate every difference instead of returning at the first one, so the running time does
  // not reveal how long a matching prefix a forger has guessed.
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

}  // namespace peerlink
