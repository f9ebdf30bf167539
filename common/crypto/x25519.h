// X25519 Diffie-Hellman (RFC 7748, section 5): scalar multiplication on Curve25519's Montgomery
// form, constant time (a fixed ladder of 255 steps, conditional swaps by masks, no table lookups
// and no branch on secret bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace peerlink {

inline constexpr size_t kX25519Bytes = 32;
using X25519Key = std::array<uint8_t, kX25519Bytes>;

// RFC 7748's X25519(k, u): `scalar` is clamped (decodeScalar25519) and the top bit of `u` is
// masked (decodeUCoordinate) before use; any 32 bytes are accepted as input.
void x25519(uint8_t out[kX25519Bytes], const uint8_t scalar[kX25519Bytes],
            const uint8_t u[kX25519Bytes]);

// X25519(k, 9): the public key of the private key `scalar`.
void x25519_base(uint8_t out[kX25519Bytes], const uint8_t scalar[kX25519Bytes]);

// The shared secret of `private_key` and the peer's `public_key`. False, with `out` zeroed, when
// the result is all zero (the peer sent a low-order point, RFC 7748 section 6.1): the caller must
// abort the exchange. The zero check does not branch on the secret's bytes.
bool x25519_shared(uint8_t out[kX25519Bytes], const uint8_t private_key[kX25519Bytes],
                   const uint8_t public_key[kX25519Bytes]);

// A fresh key pair from the kernel's random source.
struct X25519KeyPair {
  X25519Key private_key{};
  X25519Key public_key{};
};
X25519KeyPair x25519_generate();
// The pair of an existing private key.
X25519KeyPair x25519_from_private(const X25519Key& private_key);

}  // namespace peerlink
