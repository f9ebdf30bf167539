// The Noise handshake and transport against the cacophony vectors for
// Noise_XX_25519_ChaChaPoly_SHA256 (tests/data/noise_25519_chachapoly_sha256.json): fixed static
// and ephemeral keys, the prologue and payloads given, every ciphertext and the handshake hash
// compared byte for byte. Covers the Noise spec (revision 34) sections 5.1 (CipherState), 5.2
// (SymmetricState, Split), 5.3 (HandshakeState), 7.5 (XX) and 12 (25519, ChaChaPoly, SHA256).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "common/base/hex.h"
#include "common/noise/handshake_state.h"
#include "tests/support/test_data.h"

namespace peerlink {
namespace {

X25519KeyPair pair_of(const std::string& private_bytes) {
  X25519Key k;
  EXPECT_EQ(private_bytes.size(), k.size());
  std::memcpy(k.data(), private_bytes.data(), k.size());
  return x25519_from_private(k);
}

std::string hex(std::string_view bytes) { return to_hex(bytes.data(), bytes.size()); }

TEST(NoiseVectorsTest, XxHandshakeAndTransportMatchTheCacophonyVectors) {
  Expected<testing::JsonValue> file = testing::load_test_json("noise_25519_chachapoly_sha256.json");
  ASSERT_TRUE(file.ok()) << file.result().message();
  int matched = 0;
  for (const testing::JsonValue& v : (*file)["vectors"].as_array()) {
    if (v["protocol_name"].as_string() != kNoiseProtocolName) continue;
    ++matched;
    HandshakeState initiator(NoiseRole::kInitiator, v["init_prologue"].as_hex_bytes(),
                             pair_of(v["init_static"].as_hex_bytes()),
                             pair_of(v["init_ephemeral"].as_hex_bytes()));
    HandshakeState responder(NoiseRole::kResponder, v["resp_prologue"].as_hex_bytes(),
                             pair_of(v["resp_static"].as_hex_bytes()),
                             pair_of(v["resp_ephemeral"].as_hex_bytes()));
    const auto& messages = v["messages"].as_array();
    ASSERT_GT(messages.size(), 3u);
    // Handshake: messages 0 and 2 from the initiator, 1 from the responder.
    for (size_t i = 0; i < 3; ++i) {
      HandshakeState& writer = i % 2 == 0 ? initiator : responder;
      HandshakeState& reader = i % 2 == 0 ? responder : initiator;
      const std::string payload = messages[i]["payload"].as_hex_bytes();
      std::string wire;
      ASSERT_TRUE(writer.write_message(payload, &wire).ok()) << "message " << i;
      EXPECT_EQ(hex(wire), messages[i]["ciphertext"].as_string()) << "message " << i;
      std::string read;
      ASSERT_TRUE(reader.read_message(wire, &read).ok()) << "message " << i;
      EXPECT_EQ(read, payload) << "message " << i;
    }
    ASSERT_TRUE(initiator.finished());
    ASSERT_TRUE(responder.finished());
    const Sha256::Digest& h = initiator.handshake_hash();
    EXPECT_EQ(to_hex(h.data(), h.size()), v["handshake_hash"].as_string());
    EXPECT_EQ(initiator.handshake_hash(), responder.handshake_hash());
    EXPECT_EQ(initiator.remote_static(), pair_of(v["resp_static"].as_hex_bytes()).public_key);
    EXPECT_EQ(responder.remote_static(), pair_of(v["init_static"].as_hex_bytes()).public_key);

    // Transport: the alternation goes on (even indexes from the initiator).
    auto [i_send, i_receive] = initiator.split();
    auto [r_send, r_receive] = responder.split();
    for (size_t i = 3; i < messages.size(); ++i) {
      CipherState& sender = i % 2 == 0 ? i_send : r_send;
      CipherState& receiver = i % 2 == 0 ? r_receive : i_receive;
      const std::string payload = messages[i]["payload"].as_hex_bytes();
      std::string wire(payload.size() + CipherState::kTagBytes, '\0');
      ASSERT_TRUE(sender.encrypt_with_ad({}, reinterpret_cast<const uint8_t*>(payload.data()),
                                         payload.size(), reinterpret_cast<uint8_t*>(wire.data())));
      EXPECT_EQ(hex(wire), messages[i]["ciphertext"].as_string()) << "message " << i;
      std::string read(payload.size(), '\0');
      ASSERT_TRUE(receiver.decrypt_with_ad({}, reinterpret_cast<const uint8_t*>(wire.data()),
                                           wire.size(), reinterpret_cast<uint8_t*>(read.data())));
      EXPECT_EQ(read, payload);
    }
  }
  EXPECT_EQ(matched, 1) << "the vector file has one XX vector for this cipher suite";
}

TEST(NoiseVectorsTest, AChangedPrologueFailsTheSecondMessage) {
  const X25519KeyPair a = x25519_generate();
  const X25519KeyPair b = x25519_generate();
  HandshakeState initiator(NoiseRole::kInitiator, "peerlink session 1", a);
  HandshakeState responder(NoiseRole::kResponder, "peerlink serve 1", b);
  std::string m1, m2, payload;
  ASSERT_TRUE(initiator.write_message({}, &m1).ok());
  ASSERT_TRUE(responder.read_message(m1, &payload).ok());  // e is in clear: nothing to check yet
  ASSERT_TRUE(responder.write_message({}, &m2).ok());
  const Result r = initiator.read_message(m2, &payload);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cannot authenticate"), std::string::npos) << r.message();
  EXPECT_FALSE(initiator.has_remote_static());
}

TEST(NoiseVectorsTest, ALowOrderEphemeralIsRefused) {
  const X25519KeyPair b = x25519_generate();
  HandshakeState responder(NoiseRole::kResponder, "p", b);
  std::string payload;
  // The point 0 (and every point of small order) gives an all-zero DH result at "ee".
  const std::string zero_point(32, '\0');
  ASSERT_TRUE(responder.read_message(zero_point, &payload).ok());
  std::string m2;
  const Result r = responder.write_message({}, &m2);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("low-order"), std::string::npos) << r.message();
}

TEST(NoiseVectorsTest, MessagesOutOfTurnAreRefused) {
  const X25519KeyPair a = x25519_generate();
  HandshakeState initiator(NoiseRole::kInitiator, "p", a);
  std::string payload;
  EXPECT_FALSE(initiator.read_message(std::string(32, '\x09'), &payload).ok());
  HandshakeState responder(NoiseRole::kResponder, "p", a);
  std::string out;
  EXPECT_FALSE(responder.write_message({}, &out).ok());
}

}  // namespace
}  // namespace peerlink
