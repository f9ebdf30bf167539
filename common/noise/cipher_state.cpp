// The Noise CipherState (revision 34, section 5.1) with ChaChaPoly (section 12.3).
#include "common/noise/cipher_state.h"

#include <cstring>

namespace peerlink {

namespace {
constexpr uint64_t kMaxNonce = ~uint64_t{0};  // reserved by section 5.1
}  // namespace

CipherState::~CipherState() { explicit_bzero(k_, sizeof k_); }

void CipherState::initialize_key(const uint8_t key[kAeadKeyBytes]) {
  std::memcpy(k_, key, sizeof k_);
  has_key_ = true;
  n_ = 0;
}

void CipherState::nonce_bytes(uint8_t out[kAeadNonceBytes]) const {
  for (int i = 0; i < 4; ++i) out[i] = 0;
  for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<uint8_t>(n_ >> (8 * i));
}

bool CipherState::encrypt_with_ad(std::string_view ad, const uint8_t* plaintext, size_t len,
                                  uint8_t* out) {
  if (!has_key_) {
    if (out != plaintext && len > 0) std::memmove(out, plaintext, len);
    return true;
  }
  if (n_ == kMaxNonce) return false;
  uint8_t nonce[kAeadNonceBytes];
  nonce_bytes(nonce);
  aead_seal(k_, nonce, reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), plaintext, len, out);
  ++n_;
  return true;
}

bool CipherState::decrypt_with_ad(std::string_view ad, const uint8_t* ciphertext, size_t len,
                                  uint8_t* out) {
  if (!has_key_) {
    if (out != ciphertext && len > 0) std::memmove(out, ciphertext, len);
    return true;
  }
  if (n_ == kMaxNonce) return false;
  uint8_t nonce[kAeadNonceBytes];
  nonce_bytes(nonce);
  if (!aead_open(k_, nonce, reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), ciphertext, len,
                 out)) {
    return false;
  }
  ++n_;
  return true;
}

}  // namespace peerlink
