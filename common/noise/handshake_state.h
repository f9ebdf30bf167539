// The Noise HandshakeState (revision 34, section 5.3) for the one pattern peerlink uses,
// Noise_XX_25519_ChaChaPoly_SHA256 (section 7.5):
//   -> e
//   <- e, ee, s, es
//   -> s, se
// Each side proves its static key; the initiator learns the responder's after message 2 (and can
// stop before revealing its own), the responder the initiator's after message 3.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/cipher_state.h"
#include "common/noise/symmetric_state.h"

namespace peerlink {

inline constexpr char kNoiseProtocolName[] = "Noise_XX_25519_ChaChaPoly_SHA256";

enum class NoiseRole { kInitiator, kResponder };

class HandshakeState {
 public:
  // Initialize(): protocol name, then MixHash(prologue); XX has no pre-messages. `ephemeral`
  // fixes the ephemeral key pair (test vectors only); by default a fresh one is drawn when needed.
  HandshakeState(NoiseRole role, std::string_view prologue, const X25519KeyPair& local_static,
                 std::optional<X25519KeyPair> ephemeral = std::nullopt);
  ~HandshakeState();  // wipes the key pairs it holds
  HandshakeState(const HandshakeState&) = delete;
  HandshakeState& operator=(const HandshakeState&) = delete;

  // WriteMessage(payload): appends the message to *out. A failure (not this side's turn, a
  // low-order point) is final.
  Result write_message(std::string_view payload, std::string* out);
  // ReadMessage(message): appends the decrypted payload to *payload. A failure (wrong length,
  // authentication failure, all-zero DH result, not the peer's turn) is final.
  Result read_message(std::string_view message, std::string* payload);

  // This side writes the next message.
  bool my_turn() const;
  // All three messages are done: split() may be called.
  bool finished() const { return step_ == 3; }
  // Messages written or read so far (0..3; -1 after a failure).
  int messages_done() const { return step_; }
  // The transport CipherStates: (for sending, for receiving) from this side's point of view.
  std::pair<CipherState, CipherState> split() const;

  // The peer's static public key, once its message carrying it has been read.
  bool has_remote_static() const { return has_rs_; }
  const X25519Key& remote_static() const { return rs_; }
  const Sha256::Digest& handshake_hash() const { return symmetric_.handshake_hash(); }

 private:
  Result fail(std::string why);
  bool dh(const X25519Key& private_key, const X25519Key& public_key);

  NoiseRole role_;
  SymmetricState symmetric_;
  X25519KeyPair s_;
  std::optional<X25519KeyPair> e_;
  X25519Key re_{};
  X25519Key rs_{};
  bool has_rs_ = false;
  int step_ = 0;  // messages done: 0..3; -1 after a failure
};

}  // namespace peerlink
