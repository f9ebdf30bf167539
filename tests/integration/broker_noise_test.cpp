// Integration tests of the broker's encryption layer (issue 9): the real `_s` on port 0, with
// Noise clients (LineClient::encrypted, or a NoiseStream driven by hand to tamper with the bytes)
// and plaintext ones: the first-byte rule, teaching mode, the keys the broker vouches for, names
// bound to keys across restarts, and what a tampered message costs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/crypto/ticket.h"
#include "common/net/net.h"
#include "common/noise/stream.h"
#include "common/wire/line_codec.h"
#include "tests/support/line_client.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

const std::string kHashA(64, 'a');

std::string hex_of(const X25519Key& key) { return to_hex(key.data(), key.size()); }

class BrokerNoiseTest : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    broker_ = start_broker(dir_.path(), extra);
    ASSERT_NE(broker_.port, 0) << (broker_.proc ? broker_.proc->output() : "no process");
  }
  void SetUp() override { start(); }
  // Stops the broker (SIGTERM: it saves the names) and starts another on the same state dir.
  void restart(const std::vector<std::string>& extra = {}) {
    broker_.proc->kill(SIGTERM);
    ASSERT_TRUE(broker_.proc->wait_exit());
    start(extra);
  }
  std::unique_ptr<LineClient> encrypted(const std::string& name,
                                        const X25519KeyPair& key = x25519_generate()) {
    auto c = LineClient::encrypted(broker_.port, key);
    EXPECT_TRUE(c->ok()) << c->handshake_error();
    if (c->ok() && !name.empty()) {
      EXPECT_TRUE(c->hello_register(name)) << name;
    }
    return c;
  }
  bool wait_log(const std::string& needle) {
    return broker_.proc->saw(needle, std::chrono::seconds(5 * sanitizer_slowdown()));
  }
  TempDir dir_;
  BrokerProcess broker_;
};

// A Noise initiator driven by hand, so that a test can change bytes before they are sent.
struct HandNoise {
  UniqueFd fd;
  X25519KeyPair key = x25519_generate();
  NoiseStream stream{NoiseRole::kInitiator, kPrologueBroker, key};
  std::string plain;  // received plaintext

  explicit HandNoise(uint16_t port) {
    auto s = connect_tcp("127.0.0.1", port, 5000);
    if (s.ok()) fd = std::move(*s);
  }
  bool send(const std::string& wire) { return send_all(fd.get(), wire).ok(); }
  // Reads until the handshake's message 2 is in; returns message 3 (framed), not sent.
  std::string message3() {
    std::string m1, m3;
    if (!stream.start(&m1) || !send(m1)) return "";
    while (!stream.established()) {
      if (!wait_readable(fd.get(), 5000).ok()) return "";
      char buf[4096];
      size_t got = 0;
      if (!recv_some(fd.get(), buf, sizeof buf, &got).ok()) return "";
      if (!stream.on_wire(buf, got, &m3, &plain)) return "";
    }
    return m3;
  }
  std::string seal(const std::string& text) {
    std::string wire;
    EXPECT_TRUE(stream.seal(text.data(), text.size(), &wire));
    return wire;
  }
  // Everything the broker writes until it closes (bounded), decrypted while that works; false if
  // it did not close in time.
  bool read_to_close(std::string* wire_seen) {
    for (;;) {
      if (!wait_readable(fd.get(), 10000 * sanitizer_slowdown()).ok()) return false;
      char buf[4096];
      size_t got = 0;
      const Result r = recv_some(fd.get(), buf, sizeof buf, &got);
      if (!r.ok()) return true;  // end of stream (or reset): closed
      wire_seen->append(buf, got);
      std::string ignored;
      (void)stream.on_wire(buf, got, &ignored, &plain);
    }
  }
};

TEST_F(BrokerNoiseTest, DefaultBrokerRefusesPlaintextHelloWithOneReadableLine) {
  LineClient c(broker_.port);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send("HELLO 1.0"));
  EXPECT_EQ(c.next_line().value_or("(none)"), "ERR 403 encryption required");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(BrokerNoiseTest, PlaintextBrokerTakesBothKinds) {
  restart({"--plaintext"});
  LineClient plain(broker_.port);
  EXPECT_TRUE(plain.hello_register("alice"));
  auto noisy = encrypted("bob");
  EXPECT_EQ(noisy->request("USERS", true).size(), 3u);
}

TEST_F(BrokerNoiseTest, EncryptedClientsRegisterAndTheBrokerVouchesForTheirKeys) {
  auto a = encrypted("alice");
  auto b = encrypted("bob");
  // The broker's static key is the one it printed the fingerprint of.
  EXPECT_TRUE(broker_.proc->saw("fingerprint"));

  // Chat: each side learns the other's key.
  auto r = a->request("CHAT bob");
  ASSERT_EQ(r[0].rfind("OK CHAT ", 0), 0u) << r[0];
  std::string id = r[0].substr(8);
  ASSERT_TRUE(b->event("EVENT CHAT_REQUEST " + id));
  auto acc = b->request("ACCEPT " + id + " 45678");
  auto f = split_fields(acc[0]);
  ASSERT_EQ(f.size(), 5u) << acc[0];
  EXPECT_EQ(f[4], a->key_hex());
  const std::string token(f[3]);
  EXPECT_EQ(a->event("EVENT CHAT_ACCEPTED").value_or(""),
            "EVENT CHAT_ACCEPTED " + id + " bob 127.0.0.1 45678 " + token + " " + b->key_hex());

  // Files: OWNER names the owner's key; the ticket is for the requester's key only.
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE song.ogg 4000 " + kHashA)[0], "OK ANNOUNCED 1");
  auto who = b->request("WHOHAS song.ogg", true);
  ASSERT_EQ(who.size(), 2u);
  auto o = split_fields(who[1]);
  ASSERT_EQ(o.size(), 9u) << who[1];
  EXPECT_EQ(o[7], a->key_hex());
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_EQ(
      verify_ticket(kTestKey, "alice", "song.ogg", "bob", b->key_hex(), std::string(o[8]), now),
      TicketCheck::kOk);
  EXPECT_EQ(
      verify_ticket(kTestKey, "alice", "song.ogg", "bob", a->key_hex(), std::string(o[8]), now),
      TicketCheck::kForged);
}

TEST_F(BrokerNoiseTest, RegisterKeyFieldMustBeTheConnectionsKey) {
  auto c = encrypted("");
  ASSERT_EQ(c->request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  const std::string other = hex_of(x25519_generate().public_key);
  EXPECT_EQ(c->request("REGISTER alice 40000 " + kTestKey + " " + other)[0],
            "ERR 400 key does not match the connection");
  EXPECT_EQ(c->request("REGISTER alice 40000 " + kTestKey + " " + c->key_hex())[0],
            "OK REGISTERED alice 127.0.0.1");
}

TEST_F(BrokerNoiseTest, PlaintextClaimedKeyIsPassedOnUnverified) {
  restart({"--plaintext"});
  const std::string claimed = hex_of(x25519_generate().public_key);
  LineClient a(broker_.port);
  ASSERT_EQ(a.request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(a.request("REGISTER alice 40000 " + kTestKey + " " + claimed)[0],
            "OK REGISTERED alice 127.0.0.1");
  ASSERT_TRUE(a.send("ANNOUNCE 1"));
  EXPECT_EQ(a.request("FILE song.ogg 4000 " + kHashA)[0], "OK ANNOUNCED 1");
  auto b = encrypted("bob");
  auto who = b->request("WHOHAS song.ogg", true);
  ASSERT_EQ(who.size(), 2u);
  EXPECT_EQ(split_fields(who[1])[7], claimed);
}

TEST_F(BrokerNoiseTest, NameBelongsToItsKeyAcrossRestartsUntilReleased) {
  const X25519KeyPair alice_key = x25519_generate();
  {
    auto a = encrypted("alice", alice_key);
    a->request("BYE");
  }
  restart({"--plaintext"});
  // Another key, and a plaintext client, are refused the name; alice's own key gets it back.
  auto mallory = encrypted("");
  ASSERT_EQ(mallory->request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(mallory->request("REGISTER alice 40000 " + kTestKey)[0],
            "ERR 409 name belongs to another key");
  EXPECT_EQ(mallory->request("REGISTER ALICE 40000 " + kTestKey)[0],
            "ERR 409 name belongs to another key");  // names compare ignoring case
  LineClient plain(broker_.port);
  ASSERT_EQ(plain.request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(plain.request("REGISTER alice 40000 " + kTestKey)[0],
            "ERR 409 name belongs to another key");
  {
    auto a = encrypted("alice", alice_key);
    a->request("BYE");
  }
  mallory.reset();
  restart({"--release", "alice"});
  auto c = encrypted("");  // any key now
  ASSERT_EQ(c->request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(c->request("REGISTER alice 40000 " + kTestKey)[0], "OK REGISTERED alice 127.0.0.1");
  EXPECT_TRUE(wait_log("released name alice")) << broker_.proc->output();
}

TEST_F(BrokerNoiseTest, EncryptedClientsOwnNewNamesPlaintextOnesDoNot) {
  restart({"--plaintext"});
  {
    LineClient plain(broker_.port);
    EXPECT_TRUE(plain.hello_register("alice"));
    plain.request("BYE");
  }
  // The plaintext registration bound nothing: any key may take the name, and then owns it.
  const X25519KeyPair key = x25519_generate();
  encrypted("alice", key)->request("BYE");
  auto other = encrypted("");
  ASSERT_EQ(other->request("HELLO 1.0")[0].rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(other->request("REGISTER alice 40000 " + kTestKey)[0],
            "ERR 409 name belongs to another key");
}

TEST_F(BrokerNoiseTest, UntamperedHandNoiseWorks) {
  // The baseline of the tampering tests below: the same steps, no byte changed.
  HandNoise n(broker_.port);
  std::string m3 = n.message3();
  ASSERT_FALSE(m3.empty());
  ASSERT_TRUE(n.send(m3 + n.seal("HELLO 1.0\nBYE\n")));
  std::string wire;
  ASSERT_TRUE(n.read_to_close(&wire));
  EXPECT_EQ(n.plain.rfind("OK HELLO 1.0 ", 0), 0u) << n.plain;
  EXPECT_NE(n.plain.find("OK BYE\n"), std::string::npos);
}

TEST_F(BrokerNoiseTest, FlippedBitInATransportMessageClosesAtOnce) {
  HandNoise n(broker_.port);
  std::string m3 = n.message3();
  ASSERT_FALSE(m3.empty());
  std::string hello = n.seal("HELLO 1.0\n");
  hello[5] = static_cast<char>(hello[5] ^ 0x01);  // a ciphertext byte
  ASSERT_TRUE(n.send(m3 + hello));
  std::string wire;
  ASSERT_TRUE(n.read_to_close(&wire));
  EXPECT_EQ(wire, "");  // no answer at all
  EXPECT_TRUE(wait_log("failed to authenticate"));
}

TEST_F(BrokerNoiseTest, TamperedHandshakeMessageFails) {
  HandNoise n(broker_.port);
  std::string m3 = n.message3();
  ASSERT_FALSE(m3.empty());
  m3[10] = static_cast<char>(m3[10] ^ 0x80);  // inside the encrypted static key
  ASSERT_TRUE(n.send(m3 + n.seal("HELLO 1.0\n")));
  std::string wire;
  ASSERT_TRUE(n.read_to_close(&wire));
  EXPECT_EQ(wire, "");
  EXPECT_TRUE(wait_log("closed: noise"));
}

TEST_F(BrokerNoiseTest, WrongPrologueFails) {
  HandNoise n(broker_.port);
  NoiseStream wrong(NoiseRole::kInitiator, kPrologueSession, n.key);
  std::string m1, m3, plain;
  ASSERT_TRUE(wrong.start(&m1));
  ASSERT_TRUE(n.send(m1));
  // The broker's message 2 does not verify under another prologue.
  bool failed = false;
  for (int i = 0; i < 10 && !failed; ++i) {
    ASSERT_TRUE(wait_readable(n.fd.get(), 5000).ok());
    char buf[4096];
    size_t got = 0;
    ASSERT_TRUE(recv_some(n.fd.get(), buf, sizeof buf, &got).ok());
    failed = !wrong.on_wire(buf, got, &m3, &plain);
  }
  EXPECT_TRUE(failed);
}

TEST_F(BrokerNoiseTest, HandshakeMustEndWithinTheRegistrationDeadline) {
  restart({"--register-timeout", "1"});
  HandNoise n(broker_.port);
  std::string m1;
  ASSERT_TRUE(n.stream.start(&m1));
  ASSERT_TRUE(n.send(m1));  // and nothing more
  std::string wire;
  ASSERT_TRUE(n.read_to_close(&wire));
  EXPECT_EQ(wire.size(), 2u + 96u);  // message 2 only: the ERR 408 cannot be sealed
}

TEST_F(BrokerNoiseTest, LinesOfOneTurnGoInOneTransportMessage) {
  HandNoise n(broker_.port);
  std::string m3 = n.message3();
  ASSERT_FALSE(m3.empty());
  ASSERT_TRUE(n.send(m3 + n.seal("HELLO 1.0\nPING\nPING\nPING\nBYE\n")));
  std::string wire;
  ASSERT_TRUE(n.read_to_close(&wire));
  ASSERT_EQ(n.plain.substr(n.plain.find('\n') + 1), "OK PONG\nOK PONG\nOK PONG\nOK BYE\n");
  // Five lines, answered in one turn: one message (the 96-byte message 2 came before).
  ASSERT_GE(wire.size(), 2u);
  const size_t first =
      size_t{static_cast<unsigned char>(wire[0])} << 8 | static_cast<unsigned char>(wire[1]);
  EXPECT_EQ(wire.size(), 2 + first) << "more than one transport message";
  EXPECT_EQ(first, n.plain.size() + 16);
}

TEST_F(BrokerNoiseTest, HandshakesPerAddressAreRateLimited) {
  // Each message 1 costs the broker three X25519 operations and the sender nothing: one address
  // gets --handshake-rate a second (a bucket of two seconds' worth), the rest are closed
  // unanswered.
  restart({"--handshake-rate", "2"});
  int answered = 0, refused = 0;
  for (int i = 0; i < 12; ++i) {
    HandNoise n(broker_.port);
    if (n.message3().empty()) {
      ++refused;
    } else {
      ++answered;
    }
  }
  EXPECT_GE(answered, 4);  // the bucket starts full (4)
  EXPECT_LE(answered,
            8);  // and refills at 2 a second while this runs (slowly, in sanitizer builds)
  EXPECT_GE(refused, 4);
  EXPECT_TRUE(wait_log("handshakes a second from one address (127.0.0.1)"));
  // The limit can be turned off (the default is 50 a second).
  restart({"--handshake-rate", "0"});
  for (int i = 0; i < 12; ++i) EXPECT_FALSE(HandNoise(broker_.port).message3().empty()) << i;
}

}  // namespace
}  // namespace peerlink::testing
