// AEAD_CHACHA20_POLY1305 (RFC 8439, section 2.8). Sealing is one pass over memory: each 16 KiB
// chunk is encrypted and then fed to Poly1305 while it is still in L1. Opening needs two, as the
// tag is checked before anything is decrypted into `out`; a 64 KiB message still fits in L2.
#include "common/crypto/aead.h"

#include <cstring>

#include "common/crypto/declassify.h"

namespace peerlink {
namespace {

// A multiple of 64 (whole ChaCha20 blocks, whole Poly1305 vector steps).
constexpr size_t kChunkBytes = 16 * 1024;

// Poly1305 keyed by the first 32 bytes of keystream block 0 (section 2.6), fed ad || pad16.
void start_mac(Poly1305* mac, const uint8_t* ad, size_t ad_len) {
  static const uint8_t kZeros[16] = {};
  mac->update(ad, ad_len);
  mac->update(kZeros, (16 - ad_len % 16) % 16);
}

// ... || pad16 || le64(ad_len) || le64(ct_len), then the tag.
void finish_mac(Poly1305* mac, size_t ad_len, size_t ct_len, uint8_t tag[kAeadTagBytes]) {
  static const uint8_t kZeros[16] = {};
  mac->update(kZeros, (16 - ct_len % 16) % 16);
  uint8_t lengths[16];
  for (int i = 0; i < 8; ++i) {
    lengths[i] = static_cast<uint8_t>(static_cast<uint64_t>(ad_len) >> (8 * i));
    lengths[8 + i] = static_cast<uint8_t>(static_cast<uint64_t>(ct_len) >> (8 * i));
  }
  mac->update(lengths, sizeof lengths);
  mac->finish(tag);
}

void one_time_key(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
                  uint8_t block[kChaCha20BlockBytes]) {
  chacha20_block(key, nonce, 0, block);
}

}  // namespace

AeadImpl aead_default_impl() { return {chacha20_default_impl(), poly1305_default_impl()}; }

void aead_seal_with(AeadImpl impl, const uint8_t key[kAeadKeyBytes],
                    const uint8_t nonce[kAeadNonceBytes], const uint8_t* ad, size_t ad_len,
                    const uint8_t* plaintext, size_t len, uint8_t* out) {
  uint8_t block[kChaCha20BlockBytes];
  one_time_key(key, nonce, block);
  Poly1305 mac(block, impl.poly1305);
  explicit_bzero(block, sizeof block);
  start_mac(&mac, ad, ad_len);
  for (size_t at = 0; at < len; at += kChunkBytes) {
    const size_t n = len - at < kChunkBytes ? len - at : kChunkBytes;
    const auto counter = static_cast<uint32_t>(1 + at / kChaCha20BlockBytes);
    chacha20_xor_with(impl.chacha20, key, nonce, counter, plaintext + at, out + at, n);
    mac.update(out + at, n);
  }
  finish_mac(&mac, ad_len, len, out + len);
}

bool aead_open_with(AeadImpl impl, const uint8_t key[kAeadKeyBytes],
                    const uint8_t nonce[kAeadNonceBytes], const uint8_t* ad, size_t ad_len,
                    const uint8_t* sealed, size_t sealed_len, uint8_t* out) {
  if (sealed_len < kAeadTagBytes) return false;
  const size_t len = sealed_len - kAeadTagBytes;
  uint8_t tag[kAeadTagBytes];
  {
    uint8_t block[kChaCha20BlockBytes];
    one_time_key(key, nonce, block);
    Poly1305 mac(block, impl.poly1305);
    explicit_bzero(block, sizeof block);
    start_mac(&mac, ad, ad_len);
    mac.update(sealed, len);
    finish_mac(&mac, ad_len, len, tag);
  }
  unsigned diff = 0;
  for (size_t i = 0; i < kAeadTagBytes; ++i) diff |= tag[i] ^ sealed[len + i];
  // The verdict is public (the connection is closed on a mismatch); how far the tags agree is not.
  declassify(&diff, sizeof diff);
  if (diff != 0) return false;
  chacha20_xor_with(impl.chacha20, key, nonce, 1, sealed, out, len);
  return true;
}

void aead_seal(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* plaintext, size_t len,
               uint8_t* out) {
  aead_seal_with(aead_default_impl(), key, nonce, ad, ad_len, plaintext, len, out);
}

bool aead_open(const uint8_t key[kAeadKeyBytes], const uint8_t nonce[kAeadNonceBytes],
               const uint8_t* ad, size_t ad_len, const uint8_t* sealed, size_t sealed_len,
               uint8_t* out) {
  return aead_open_with(aead_default_impl(), key, nonce, ad, ad_len, sealed, sealed_len, out);
}

}  // namespace peerlink
