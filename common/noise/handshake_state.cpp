// The Noise HandshakeState (revision 34, section 5.3), pattern XX (section 7.5).
#include "common/noise/handshake_state.h"

#include <cstring>

namespace peerlink {

namespace {

std::string_view key_view(const X25519Key& k) {
  return {reinterpret_cast<const char*>(k.data()), k.size()};
}

constexpr size_t kKey = kX25519Bytes;
constexpr size_t kTag = CipherState::kTagBytes;

}  // namespace

HandshakeState::HandshakeState(NoiseRole role, std::string_view prologue,
                               const X25519KeyPair& local_static,
                               std::optional<X25519KeyPair> ephemeral)
    : role_(role), symmetric_(kNoiseProtocolName), s_(local_static), e_(std::move(ephemeral)) {
  symmetric_.mix_hash(prologue);
}

HandshakeState::~HandshakeState() {
  explicit_bzero(&s_, sizeof s_);
  if (e_) explicit_bzero(&*e_, sizeof *e_);
}

bool HandshakeState::my_turn() const {
  if (step_ < 0 || step_ >= 3) return false;
  // Messages 1 and 3 are the initiator's, message 2 the responder's.
  return (step_ % 2 == 0) == (role_ == NoiseRole::kInitiator);
}

Result HandshakeState::fail(std::string why) {
  step_ = -1;
  return Result::failure("noise handshake: " + why, EPROTO);
}

// MixKey(DH(private, public)). False on an all-zero result (section 12.1 allows rejecting it; this
// project's construction requires it).
bool HandshakeState::dh(const X25519Key& private_key, const X25519Key& public_key) {
  X25519Key shared;
  const bool ok = x25519_shared(shared.data(), private_key.data(), public_key.data());
  if (ok) symmetric_.mix_key(key_view(shared));
  explicit_bzero(shared.data(), shared.size());
  return ok;
}

Result HandshakeState::write_message(std::string_view payload, std::string* out) {
  if (!my_turn()) return fail("not this side's turn to write");
  switch (step_) {
    case 0:  // -> e
      if (!e_) e_ = x25519_generate();
      out->append(key_view(e_->public_key));
      symmetric_.mix_hash(key_view(e_->public_key));
      break;
    case 1:  // <- e, ee, s, es (responder)
      if (!e_) e_ = x25519_generate();
      out->append(key_view(e_->public_key));
      symmetric_.mix_hash(key_view(e_->public_key));
      if (!dh(e_->private_key, re_)) return fail("low-order ephemeral key");
      if (!symmetric_.encrypt_and_hash(key_view(s_.public_key), out)) return fail("encryption");
      if (!dh(s_.private_key, re_)) return fail("low-order ephemeral key");
      break;
    case 2:  // -> s, se (initiator)
      if (!symmetric_.encrypt_and_hash(key_view(s_.public_key), out)) return fail("encryption");
      if (!dh(s_.private_key, re_)) return fail("low-order ephemeral key");
      break;
  }
  if (!symmetric_.encrypt_and_hash(payload, out)) return fail("encryption");
  ++step_;
  return Result();
}

Result HandshakeState::read_message(std::string_view message, std::string* payload) {
  if (step_ < 0 || step_ >= 3 || my_turn()) return fail("unexpected handshake message");
  // Each message is its keys, then the payload (with its tag once a key is mixed in).
  const size_t keys = step_ == 0 ? kKey : step_ == 1 ? kKey + kKey + kTag : kKey + kTag;
  const size_t min_len = keys + (step_ == 0 ? 0 : kTag);
  if (message.size() < min_len) {
    return fail("message " + std::to_string(step_ + 1) + " too short (" +
                std::to_string(message.size()) + " bytes)");
  }
  std::string key;
  switch (step_) {
    case 0:  // -> e (responder reads)
      std::memcpy(re_.data(), message.data(), kKey);
      symmetric_.mix_hash(message.substr(0, kKey));
      break;
    case 1:  // <- e, ee, s, es (initiator reads)
      std::memcpy(re_.data(), message.data(), kKey);
      symmetric_.mix_hash(message.substr(0, kKey));
      if (!dh(e_->private_key, re_)) return fail("low-order ephemeral key");
      if (!symmetric_.decrypt_and_hash(message.substr(kKey, kKey + kTag), &key)) {
        return fail("cannot authenticate the responder's static key");
      }
      std::memcpy(rs_.data(), key.data(), kKey);
      has_rs_ = true;
      if (!dh(e_->private_key, rs_)) return fail("low-order static key");
      break;
    case 2:  // -> s, se (responder reads)
      if (!symmetric_.decrypt_and_hash(message.substr(0, kKey + kTag), &key)) {
        return fail("cannot authenticate the initiator's static key");
      }
      std::memcpy(rs_.data(), key.data(), kKey);
      has_rs_ = true;
      if (!dh(e_->private_key, rs_)) return fail("low-order static key");
      break;
  }
  if (!symmetric_.decrypt_and_hash(message.substr(keys), payload)) {
    return fail("cannot authenticate message " + std::to_string(step_ + 1));
  }
  ++step_;
  return Result();
}

std::pair<CipherState, CipherState> HandshakeState::split() const {
  std::pair<CipherState, CipherState> c = symmetric_.split();
  if (role_ == NoiseRole::kInitiator) return c;
  return {c.second, c.first};
}

}  // namespace peerlink
