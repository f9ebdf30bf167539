// Unit tests of the requesting side's handshake: backoff schedule, connect retries, the Noise
// handshake with the vouched key, HELLO/WELCOME inside the transport.
#include "peer_client/session/connect.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "common/base/fd.h"
#include "common/noise/stream.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"
#include "tests/support/session_peer.h"

namespace peerlink::peer_client {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using testing::SessionPeer;
using testing::test_identity;

TEST(NextBackoff, DoublesFrom50msUpTo1s) {
  milliseconds d{0};
  std::vector<long> seen;
  for (int i = 0; i < 8; ++i) {
    d = next_backoff(d);
    seen.push_back(static_cast<long>(d.count()));
  }
  EXPECT_EQ(seen, (std::vector<long>{50, 100, 200, 400, 800, 1000, 1000, 1000}));
}

TEST(ConnectWithBackoff, GivesUpAfterTheTotalTime) {
  uint16_t port = 0;
  {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok());
    port = local_port(l->get());
  }  // closed: connecting is refused
  const auto start = Clock::now();
  Expected<UniqueFd> r = connect_with_backoff("127.0.0.1", port, milliseconds(300));
  const auto took = Clock::now() - start;
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("refused"), std::string::npos) << r.message();
  EXPECT_GE(took, milliseconds(300));
  EXPECT_LT(took, milliseconds(3000));
}

TEST(ConnectWithBackoff, ConnectsToAListener) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(l.ok());
  Expected<UniqueFd> r =
      connect_with_backoff("127.0.0.1", local_port(l->get()), milliseconds(1000));
  EXPECT_TRUE(r.ok()) << r.message();
}

// A connected socketpair with the Noise handshake done: the client side is ours (the initiator,
// through secure_session() as alice facing bob's vouched key), the server side a scripted
// responder (SessionPeer, as `server_key`, default bob's identity).
struct Pair {
  UniqueFd client_fd;
  std::unique_ptr<NoiseChannel> client;
  std::unique_ptr<SessionPeer> server;
  Result client_result;
};

Pair noise_pair(std::optional<X25519KeyPair> server_key = std::nullopt,
                std::string server_prologue = kPrologueSession) {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  Pair p;
  p.client_fd.reset(sv[0]);
  UniqueFd server_fd(sv[1]);
  std::thread responder([&] {
    SessionPeer::Options o;
    o.key = server_key ? *server_key : test_identity("bob");
    o.prologue = server_prologue;
    o.timeout = milliseconds(5000);
    p.server = SessionPeer::accept(std::move(server_fd), o);
  });
  Expected<std::unique_ptr<NoiseChannel>> c =
      secure_session(p.client_fd.get(), test_identity("alice"), test_identity("bob").public_key,
                     "bob", milliseconds(5000));
  if (c) {
    p.client = std::move(*c);
  } else {
    p.client_result = c.result();
    p.client_fd.reset();  // as _peer_client does: the responder sees the connection closed
  }
  responder.join();
  return p;
}

TEST(SecureSession, BothSidesProveTheVouchedKeys) {
  Pair p = noise_pair();
  ASSERT_TRUE(p.client) << p.client_result.message();
  ASSERT_TRUE(p.server->ok()) << p.server->error();
  EXPECT_EQ(p.client->remote_static(), test_identity("bob").public_key);
  EXPECT_EQ(p.server->remote_key(), test_identity("alice").public_key);
}

// The responder proves a key the broker did not vouch for: we stop after message 2, before
// message 3 reveals our static key (so a stranger in the middle never learns who we are), and
// say why.
TEST(SecureSession, AnotherResponderKeyIsRefusedBeforeMessage3) {
  Pair p = noise_pair(test_identity("mallory"));
  ASSERT_FALSE(p.client);
  EXPECT_EQ(p.client_result.message(),
            "bob's session presented a key the broker did not vouch for");
  ASSERT_FALSE(p.server->ok());
  // All the responder ever received is message 1: a 2-byte length and a 32-byte ephemeral key.
  EXPECT_EQ(p.server->wire_received().size(), 2u + 32u);
}

TEST(SecureSession, AnotherPrologueFailsTheHandshake) {
  Pair p = noise_pair(std::nullopt, kPrologueServe);
  ASSERT_FALSE(p.client);
  EXPECT_EQ(p.client_result.message(),
            "noise handshake: cannot authenticate the responder's static key");
  EXPECT_FALSE(p.server->ok());
}

TEST(ClientHandshake, WelcomeAndWhatFollowsIt) {
  Pair p = noise_pair();
  ASSERT_TRUE(p.client);
  std::thread server([&] {
    std::optional<Frame> hello = p.server->next();
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->type, wire::kHello);
    EXPECT_EQ(hello->payload, encode_hello("tok", "alice"));
    // WELCOME and a chat frame in one write: the chat must be kept for the session.
    ASSERT_TRUE(
        p.server->send_raw(encode_frame(wire::kWelcome, "bob") + encode_frame(wire::kChat, "hi")));
  });
  FrameDecoder decoder;
  Expected<std::string> name =
      client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
  EXPECT_TRUE(name) << name.message();
  server.join();
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, "bob");
  Frame f;
  ASSERT_EQ(decoder.next(&f), FrameDecoder::Result::kFrame);
  EXPECT_EQ(f.type, wire::kChat);
  EXPECT_EQ(f.payload, "hi");
}

TEST(ClientHandshake, RefusalCarriesTheReason) {
  Pair p = noise_pair();
  ASSERT_TRUE(p.client);
  ASSERT_TRUE(p.server->send(wire::kError, "bad token"));
  FrameDecoder decoder;
  Expected<std::string> name =
      client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
  EXPECT_FALSE(name);
  EXPECT_EQ(name.message(), "refused: bad token");
}

TEST(ClientHandshake, SilenceTimesOut) {
  Pair p = noise_pair();
  ASSERT_TRUE(p.client);
  FrameDecoder decoder;
  Expected<std::string> name =
      client_handshake(p.client.get(), "tok", "alice", milliseconds(100), &decoder);
  EXPECT_FALSE(name);
  EXPECT_EQ(name.message(), "no answer in time");
}

TEST(ClientHandshake, ClosedOrGarbled) {
  {
    Pair p = noise_pair();
    ASSERT_TRUE(p.client);
    p.server.reset();
    FrameDecoder decoder;
    Expected<std::string> name =
        client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
    EXPECT_FALSE(name);
    EXPECT_FALSE(name.message().empty());
  }
  {
    Pair p = noise_pair();
    ASSERT_TRUE(p.client);
    ASSERT_TRUE(p.server->send(wire::kChat, "not a welcome"));
    FrameDecoder decoder;
    Expected<std::string> name =
        client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
    EXPECT_FALSE(name);
    EXPECT_EQ(name.message(), "unexpected answer to HELLO (frame type 3)");
  }
  {
    // A WELCOME whose transport message was tampered with does not authenticate.
    Pair p = noise_pair();
    ASSERT_TRUE(p.client);
    std::string wire = p.server->seal(encode_frame(wire::kWelcome, "bob"));
    wire[wire.size() - 1] = static_cast<char>(wire[wire.size() - 1] ^ 1);
    ASSERT_TRUE(p.server->send_wire(wire));
    FrameDecoder decoder;
    Expected<std::string> name =
        client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
    EXPECT_FALSE(name);
    EXPECT_EQ(name.message(), "noise: a message failed to authenticate");
  }
}

TEST(ClientHandshake, ACancelFdEndsTheWait) {
  Pair p = noise_pair();
  ASSERT_TRUE(p.client);
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  UniqueFd cancel_read(cancel[0]), cancel_write(cancel[1]);
  ASSERT_EQ(::write(cancel_write.get(), "x", 1), 1);
  FrameDecoder decoder;
  Expected<std::string> name = client_handshake(p.client.get(), "tok", "alice", milliseconds(5000),
                                                &decoder, cancel_read.get());
  EXPECT_FALSE(name);
  EXPECT_EQ(name.message(), kCancelled);
  EXPECT_EQ(name.error(), ECANCELED);
}

}  // namespace
}  // namespace peerlink::peer_client
