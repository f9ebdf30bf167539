// The Noise SymmetricState (revision 34, section 5.2).
#include "common/noise/symmetric_state.h"

#include <cstring>

#include "common/crypto/hkdf.h"

namespace peerlink {

namespace {
std::string_view view(const Sha256::Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
}  // namespace

SymmetricState::SymmetricState(std::string_view protocol_name) {
  if (protocol_name.size() <= Sha256::kDigestBytes) {
    h_.fill(0);
    std::memcpy(h_.data(), protocol_name.data(), protocol_name.size());
  } else {
    h_ = sha256(protocol_name);
  }
  ck_ = h_;
}

SymmetricState::~SymmetricState() {
  explicit_bzero(ck_.data(), ck_.size());
  explicit_bzero(h_.data(), h_.size());
}

void SymmetricState::mix_key(std::string_view input_key_material) {
  NoiseHkdfOutputs out = noise_hkdf2(ck_, input_key_material);
  ck_ = out.first;
  // HASHLEN is 32, the key length: temp_k needs no truncation.
  cipher_.initialize_key(out.second.data());
  explicit_bzero(&out, sizeof out);
}

void SymmetricState::mix_hash(std::string_view data) {
  Sha256 hash;
  hash.update(h_.data(), h_.size());
  hash.update(data);
  h_ = hash.finish();
}

bool SymmetricState::encrypt_and_hash(std::string_view plaintext, std::string* out) {
  const size_t start = out->size();
  out->resize(start + plaintext.size() + (cipher_.has_key() ? CipherState::kTagBytes : 0));
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + start;
  if (!cipher_.encrypt_with_ad(view(h_), reinterpret_cast<const uint8_t*>(plaintext.data()),
                               plaintext.size(), dst)) {
    out->resize(start);
    return false;
  }
  mix_hash(std::string_view(out->data() + start, out->size() - start));
  return true;
}

bool SymmetricState::decrypt_and_hash(std::string_view ciphertext, std::string* out) {
  const size_t overhead = cipher_.has_key() ? CipherState::kTagBytes : 0;
  if (ciphertext.size() < overhead) return false;
  const size_t start = out->size();
  out->resize(start + ciphertext.size() - overhead);
  if (!cipher_.decrypt_with_ad(view(h_), reinterpret_cast<const uint8_t*>(ciphertext.data()),
                               ciphertext.size(),
                               reinterpret_cast<uint8_t*>(out->data()) + start)) {
    out->resize(start);
    return false;
  }
  mix_hash(ciphertext);
  return true;
}

std::pair<CipherState, CipherState> SymmetricState::split() const {
  NoiseHkdfOutputs out = noise_hkdf2(ck_, {});
  std::pair<CipherState, CipherState> pair;
  pair.first.initialize_key(out.first.data());
  pair.second.initialize_key(out.second.data());
  explicit_bzero(&out, sizeof out);
  return pair;
}

}  // namespace peerlink
