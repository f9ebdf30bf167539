// NoiseStream: the 2-byte framing and the XX handshake between two streams in memory, and what a
// man in the middle can do to the bytes: tamper with a handshake message, flip a bit, replay,
// reorder, truncate, send out of turn. Every failure is final.
#include <gtest/gtest.h>

#include <string>

#include "common/noise/stream.h"

namespace peerlink {
namespace {

struct Pair {
  X25519KeyPair ik = x25519_generate();
  X25519KeyPair rk = x25519_generate();
  NoiseStream initiator{NoiseRole::kInitiator, kPrologueBroker, ik};
  NoiseStream responder{NoiseRole::kResponder, kPrologueBroker, rk};
  std::string m1, m2, m3;

  // Runs the three messages, keeping each one's framed bytes.
  void handshake() {
    std::string plain;
    ASSERT_TRUE(initiator.start(&m1).ok());
    ASSERT_TRUE(responder.on_wire(m1.data(), m1.size(), &m2, &plain).ok());
    ASSERT_TRUE(initiator.on_wire(m2.data(), m2.size(), &m3, &plain).ok());
    ASSERT_TRUE(responder.on_wire(m3.data(), m3.size(), &plain, &plain).ok());
    ASSERT_TRUE(plain.empty());
  }
};

std::string seal(NoiseStream& s, const std::string& text) {
  std::string wire;
  EXPECT_TRUE(s.seal(text.data(), text.size(), &wire).ok());
  return wire;
}

TEST(NoiseStreamTest, HandshakeMessagesHaveTheSizesOfTheWireFormat) {
  Pair p;
  p.handshake();
  EXPECT_EQ(p.m1.size(), 2u + 32);
  EXPECT_EQ(p.m2.size(), 2u + 96);
  EXPECT_EQ(p.m3.size(), 2u + 64);
  EXPECT_EQ(p.m1.substr(0, 2), std::string("\x00\x20", 2));
  EXPECT_TRUE(p.initiator.established());
  EXPECT_TRUE(p.responder.established());
  EXPECT_EQ(p.initiator.remote_static(), p.rk.public_key);
  EXPECT_EQ(p.responder.remote_static(), p.ik.public_key);
}

TEST(NoiseStreamTest, BytesCutAnywhereArriveWhole) {
  Pair p;
  p.handshake();
  std::string text(200000, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7 + 3);
  const std::string wire = seal(p.initiator, text);
  EXPECT_EQ(wire.size(), NoiseStream::sealed_size(text.size()));
  EXPECT_EQ(wire.size(), text.size() + 4 * 18);  // 4 messages of at most 65519 bytes
  std::string got, answer;
  for (size_t at = 0; at < wire.size();) {  // in pieces of 1, 2, 3 ... bytes
    const size_t n = std::min(wire.size() - at, at % 977 + 1);
    ASSERT_TRUE(p.responder.on_wire(wire.data() + at, n, &answer, &got).ok());
    at += n;
  }
  EXPECT_EQ(got, text);
  EXPECT_TRUE(answer.empty());
}

TEST(NoiseStreamTest, TheLargestMessageCarries65519Bytes) {
  Pair p;
  p.handshake();
  const std::string wire = seal(p.responder, std::string(65519, 'x'));
  ASSERT_EQ(wire.size(), 2u + 65535);
  EXPECT_EQ(wire.substr(0, 2), "\xff\xff");
  EXPECT_EQ(seal(p.responder, std::string(65520, 'x')).size(), 65520u + 2 * 18);
}

TEST(NoiseStreamTest, AFlippedBitInATransportMessageIsFinal) {
  Pair p;
  p.handshake();
  std::string wire = seal(p.initiator, "HELLO 1.0\n");
  wire[5] ^= 0x01;
  std::string got, answer;
  const Result r = p.responder.on_wire(wire.data(), wire.size(), &answer, &got);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(got.empty());
  // Even a genuine message is refused afterwards: the connection is to be closed.
  const std::string next = seal(p.initiator, "x");
  EXPECT_FALSE(p.responder.on_wire(next.data(), next.size(), &answer, &got).ok());
}

TEST(NoiseStreamTest, AReplayedOrReorderedMessageFailsToAuthenticate) {
  {
    Pair p;
    p.handshake();
    const std::string a = seal(p.initiator, "first");
    std::string got, answer;
    ASSERT_TRUE(p.responder.on_wire(a.data(), a.size(), &answer, &got).ok());
    EXPECT_FALSE(p.responder.on_wire(a.data(), a.size(), &answer, &got).ok()) << "replay";
  }
  {
    Pair p;
    p.handshake();
    const std::string a = seal(p.initiator, "first");
    const std::string b = seal(p.initiator, "second");
    std::string got, answer;
    EXPECT_FALSE(p.responder.on_wire(b.data(), b.size(), &answer, &got).ok()) << "reorder";
    EXPECT_TRUE(got.empty());
  }
}

TEST(NoiseStreamTest, ATamperedHandshakeMessageFails) {
  for (size_t flip : {2u, 40u, 97u}) {  // the responder's e, its encrypted s, the payload tag
    Pair p;
    std::string plain;
    ASSERT_TRUE(p.initiator.start(&p.m1).ok());
    ASSERT_TRUE(p.responder.on_wire(p.m1.data(), p.m1.size(), &p.m2, &plain).ok());
    p.m2[flip] ^= 0x40;
    EXPECT_FALSE(p.initiator.on_wire(p.m2.data(), p.m2.size(), &p.m3, &plain).ok()) << flip;
    EXPECT_TRUE(p.m3.empty());
    EXPECT_FALSE(p.initiator.established());
  }
  Pair p;
  std::string plain;
  ASSERT_TRUE(p.initiator.start(&p.m1).ok());
  ASSERT_TRUE(p.responder.on_wire(p.m1.data(), p.m1.size(), &p.m2, &plain).ok());
  ASSERT_TRUE(p.initiator.on_wire(p.m2.data(), p.m2.size(), &p.m3, &plain).ok());
  p.m3[10] ^= 0x01;  // the initiator's encrypted static key
  EXPECT_FALSE(p.responder.on_wire(p.m3.data(), p.m3.size(), &plain, &plain).ok());
  EXPECT_FALSE(p.responder.established());
}

TEST(NoiseStreamTest, AWrongPrologueFailsTheHandshake) {
  const X25519KeyPair a = x25519_generate(), b = x25519_generate();
  NoiseStream initiator(NoiseRole::kInitiator, kPrologueSession, a);
  NoiseStream responder(NoiseRole::kResponder, kPrologueServe, b);
  std::string m1, m2, m3, plain;
  ASSERT_TRUE(initiator.start(&m1).ok());
  ASSERT_TRUE(responder.on_wire(m1.data(), m1.size(), &m2, &plain).ok());
  EXPECT_FALSE(initiator.on_wire(m2.data(), m2.size(), &m3, &plain).ok());
}

TEST(NoiseStreamTest, ZeroLengthsShortMessagesAndTurnsAreChecked) {
  const X25519KeyPair k = x25519_generate();
  std::string out, plain;
  {
    NoiseStream r(NoiseRole::kResponder, kPrologueBroker, k);
    EXPECT_FALSE(r.on_wire("\x00\x00", 2, &out, &plain).ok()) << "zero length";
  }
  {
    NoiseStream r(NoiseRole::kResponder, kPrologueBroker, k);
    const std::string short_m1("\x00\x05hello", 7);
    EXPECT_FALSE(r.on_wire(short_m1.data(), short_m1.size(), &out, &plain).ok());
  }
  {
    NoiseStream i(NoiseRole::kInitiator, kPrologueBroker, k);  // has not sent message 1
    const std::string m(34, '\x00');
    EXPECT_FALSE(i.on_wire(m.data(), m.size(), &out, &plain).ok()) << "out of turn";
  }
  {
    NoiseStream r(NoiseRole::kResponder, kPrologueBroker, k);
    EXPECT_FALSE(r.start(&out).ok()) << "a responder does not start";
    std::string wire;
    EXPECT_FALSE(r.seal("x", 1, &wire).ok()) << "no transport before the handshake";
  }
  {
    Pair p;
    p.handshake();
    const std::string tagless(
        "\x00\x0f"
        "0123456789abcde",
        17);  // shorter than a tag
    EXPECT_FALSE(p.responder.on_wire(tagless.data(), tagless.size(), &out, &plain).ok());
  }
}

TEST(NoiseStreamTest, APartialFrameIsHeldNotMore) {
  Pair p;
  p.handshake();
  const std::string wire = seal(p.initiator, std::string(65519, 'y'));
  std::string got, answer;
  ASSERT_TRUE(p.responder.on_wire(wire.data(), wire.size() - 1, &answer, &got).ok());
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(p.responder.on_wire(wire.data() + wire.size() - 1, 1, &answer, &got).ok());
  EXPECT_EQ(got.size(), 65519u);
}

TEST(NoiseStreamTest, AHandshakeMessageOfAnyOtherLengthIsRefusedFromItsLengthBytes) {
  // Payloads are empty: message 1 is 32 bytes exactly. A stranger announcing 65535 bytes is
  // refused as soon as the two length bytes are in, before it sends (or this side holds) more.
  const X25519KeyPair k = x25519_generate();
  std::string out, plain;
  NoiseStream r(NoiseRole::kResponder, kPrologueBroker, k);
  EXPECT_FALSE(r.on_wire("\xff\xff", 2, &out, &plain).ok());
  NoiseStream r2(NoiseRole::kResponder, kPrologueBroker, k);
  const std::string m1_with_payload = std::string("\x00\x21", 2) + std::string(33, '\x09');
  EXPECT_FALSE(r2.on_wire(m1_with_payload.data(), m1_with_payload.size(), &out, &plain).ok());
  EXPECT_TRUE(out.empty());
}

TEST(NoiseStreamTest, NothingIsSealedAfterTheReceivingSideFailed) {
  Pair p;
  p.handshake();
  std::string bad = seal(p.initiator, "x");
  bad.back() ^= 0x01;
  std::string got, answer;
  ASSERT_FALSE(p.responder.on_wire(bad.data(), bad.size(), &answer, &got).ok());
  std::string wire;
  EXPECT_FALSE(p.responder.seal("reply", 5, &wire).ok());
  EXPECT_TRUE(wire.empty());
}

}  // namespace
}  // namespace peerlink
