// HKDF with HMAC-SHA-256 (RFC 5869), and the two- and three-output form the Noise Protocol
// Framework uses (revision 34, section 4.3: HKDF(chaining_key, input_key_material, n)).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/crypto/sha256.h"

namespace peerlink {

// RFC 5869: HKDF-Expand(HKDF-Extract(salt, ikm), info, length). An empty result when `length`
// exceeds 255 * 32 bytes (the RFC's limit).
std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                        size_t length);

// Noise's HKDF: temp_key = HMAC(ck, ikm); out1 = HMAC(temp_key, 0x01);
// out2 = HMAC(temp_key, out1 || 0x02); out3 = HMAC(temp_key, out2 || 0x03).
struct NoiseHkdfOutputs {
  Sha256::Digest first{};
  Sha256::Digest second{};
  Sha256::Digest third{};  // filled only by noise_hkdf3
};
NoiseHkdfOutputs noise_hkdf2(const Sha256::Digest& chaining_key, std::string_view ikm);
NoiseHkdfOutputs noise_hkdf3(const Sha256::Digest& chaining_key, std::string_view ikm);

}  // namespace peerlink
