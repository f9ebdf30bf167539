// The AEAD_CHACHA20_POLY1305 construction (RFC 8439, section 2.8): encrypts and authenticates a
// message, and authenticates additional data sent in clear.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/crypto/chacha20.h"
#include "common/crypto/poly1305.h"

namespace peerlink {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;

// Writes `len` bytes of ciphertext followed by the 16-byte tag to `out` (len + 16 bytes).
// `out` may be `plaintext` (in place), not otherwise overlapping.
void aead_seal(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* plaintext, size_t len,
               uint8_t* out);

// Checks the tag of `sealed` (ciphertext then tag, `sealed_len` >= 16 bytes) in constant time and
// only then decrypts into `out` (sealed_len - 16 bytes; may be `sealed`). False if the tag does
// not match or `sealed_len` < 16: `out` is then left untouched.
bool aead_open(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* sealed, size_t sealed_len,
               uint8_t* out);

// The implementations of the two halves, for tests and benchmarks: aead_seal and aead_open use
// aead_default_impl(), the fastest this CPU has. One the CPU lacks falls back to portable code.
struct AeadImpl {
  ChaCha20Impl chacha20;
  Poly1305Impl poly1305;
};
AeadImpl aead_default_impl();
void aead_seal_with(AeadImpl impl, const uint8_t key[kAeadKeyBytes],
                    const uint8_t nonce[kAeadNonceBytes], const uint8_t* ad, size_t ad_len,
                    const uint8_t* plaintext, size_t len, uint8_t* out);
bool aead_open_with(AeadImpl impl, const uint8_t key[kAeadKeyBytes],
                    const uint8_t nonce[kAeadNonceBytes], const uint8_t* ad, size_t ad_len,
                    const uint8_t* sealed, size_t sealed_len, uint8_t* out);

}  // namespace peerlink
