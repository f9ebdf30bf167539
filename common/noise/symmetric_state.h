// The Noise SymmetricState (revision 34, section 5.2) with SHA-256: the chaining key ck, the
// handshake hash h and the CipherState that handshake payloads and static keys are encrypted with.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/crypto/sha256.h"
#include "common/noise/cipher_state.h"

namespace peerlink {

class SymmetricState {
 public:
  // InitializeSymmetric(protocol_name): h = the name padded with zeros to 32 bytes, or its hash
  // when longer; ck = h.
  explicit SymmetricState(std::string_view protocol_name);
  ~SymmetricState();

  void mix_key(std::string_view input_key_material);
  void mix_hash(std::string_view data);
  // EncryptAndHash / DecryptAndHash: append to *out; false on a failure (authentication, nonce).
  bool encrypt_and_hash(std::string_view plaintext, std::string* out);
  bool decrypt_and_hash(std::string_view ciphertext, std::string* out);
  // Split(): the pair (initiator to responder, responder to initiator).
  std::pair<CipherState, CipherState> split() const;

  const Sha256::Digest& handshake_hash() const { return h_; }
  bool has_key() const { return cipher_.has_key(); }

 private:
  Sha256::Digest ck_{};
  Sha256::Digest h_{};
  CipherState cipher_;
};

}  // namespace peerlink
