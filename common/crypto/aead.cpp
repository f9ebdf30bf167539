// AEAD_CHACHA20_POLY1305 (RFC 8439, section 2.8).
#include "common/crypto/aead.h"

#include <cstring>

#include "common/crypto/chacha20.h"
#include "common/crypto/declassify.h"
#include "common/crypto/poly1305.h"

namespace peerlink {
namespace {

// The tag over ad || pad16 || ciphertext || pad16 || le64(ad_len) || le64(ct_len), keyed by
// the first 32 bytes of keystream block 0 (section 2.6).
void compute_tag(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
                 const uint8_t* ad, size_t ad_len, const uint8_t* ct, size_t ct_len,
                 uint8_t tag[kAeadTagBytes]) {
  uint8_t block[kChaCha20BlockBytes];
  chacha20_block(key, nonce, 0, block);
  Poly1305 mac(block);
  explicit_bzero(block, sizeof block);
  static const uint8_t kZeros[16] = {};
  mac.update(ad, ad_len);
  mac.update(kZeros, (16 - ad_len % 16) % 16);
  mac.update(ct, ct_len);
  mac.update(kZeros, (16 - ct_len % 16) % 16);
  uint8_t lengths[16];
  for (int i = 0; i < 8; ++i) {
    lengths[i] = static_cast<uint8_t>(static_cast<uint64_t>(ad_len) >> (8 * i));
    lengths[8 + i] = static_cast<uint8_t>(static_cast<uint64_t>(ct_len) >> (8 * i));
  }
  mac.update(lengths, sizeof lengths);
  mac.finish(tag);
}

}  // namespace

void aead_seal(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* plaintext, size_t len,
               uint8_t* out) {
  chacha20_xor(key, nonce, 1, plaintext, out, len);
  compute_tag(key, nonce, ad, ad_len, out, len, out + len);
}

bool aead_open(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* sealed, size_t sealed_len,
               uint8_t* out) {
  if (sealed_len < kAeadTagBytes) return false;
  const size_t len = sealed_len - kAeadTagBytes;
  uint8_t tag[kAeadTagBytes];
  compute_tag(key, nonce, ad, ad_len, sealed, len, tag);
  unsigned diff = 0;
  for (size_t i = 0; i < kAeadTagBytes; ++i) diff |= tag[i] ^ sealed[len + i];
  // The verdict is public (the connection is closed on a mismatch); how far the tags agree is not.
  declassify(&diff, sizeof diff);
  if (diff != 0) return false;
  chacha20_xor(key, nonce, 1, sealed, out, len);
  return true;
}

}  // namespace peerlink
