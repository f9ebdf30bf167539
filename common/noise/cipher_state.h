// The Noise CipherState (Noise Protocol Framework, revision 34, section 5.1) for ChaChaPoly: a
// key and a 64-bit nonce counter, encrypting with AEAD_CHACHA20_POLY1305 under the nonce
// 32 zero bits || little-endian n (section 12.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/crypto/aead.h"

namespace peerlink {

class CipherState {
 public:
  CipherState() = default;
  ~CipherState();
  CipherState(const CipherState& other) = default;
  CipherState& operator=(const CipherState& other) = default;

  // InitializeKey(k): sets the key and n = 0.
  void initialize_key(const uint8_t key[kAeadKeyBytes]);
  bool has_key() const { return has_key_; }
  uint64_t nonce() const { return n_; }
  // SetNonce, for tests of the nonce's use.
  void set_nonce(uint64_t n) { n_ = n; }

  // EncryptWithAd: with a key, writes len + 16 bytes (ciphertext, tag) to `out`; without one,
  // copies the plaintext (len bytes). False once the nonce is exhausted (n = 2^64 - 1 is reserved):
  // nothing is written then. `out` may be `plaintext`.
  bool encrypt_with_ad(std::string_view ad, const uint8_t* plaintext, size_t len, uint8_t* out);
  // DecryptWithAd: with a key, `len` >= 16 and len - 16 bytes of plaintext written to `out`;
  // without one, a copy. False on an authentication failure, a message shorter than its tag or an
  // exhausted nonce; the nonce then stays where it was (section 5.1).
  bool decrypt_with_ad(std::string_view ad, const uint8_t* ciphertext, size_t len, uint8_t* out);

  // The overhead of one message under a key.
  static constexpr size_t kTagBytes = kAeadTagBytes;

 private:
  void nonce_bytes(uint8_t out[kAeadNonceBytes]) const;

  uint8_t k_[kAeadKeyBytes] = {};
  bool has_key_ = false;
  uint64_t n_ = 0;
};

}  // namespace peerlink
