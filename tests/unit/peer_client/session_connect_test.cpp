// Unit tests of the requesting side's handshake: backoff schedule, connect retries, HELLO/WELCOME.
#include "peer_client/session/connect.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <thread>

#include "common/base/fd.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"

namespace peerlink::peer_client {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

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

struct Pair {
  UniqueFd client, server;
};

Pair socket_pair() {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

TEST(ClientHandshake, WelcomeAndWhatFollowsIt) {
  Pair p = socket_pair();
  std::thread server([&] {
    Frame hello;
    ASSERT_TRUE(read_frame(p.server.get(), &hello).ok());
    EXPECT_EQ(hello.type, wire::kHello);
    EXPECT_EQ(hello.payload, encode_hello("tok", "alice"));
    // WELCOME and a chat frame in one write: the chat must be kept for the session.
    ASSERT_TRUE(send_all(p.server.get(),
                         encode_frame(wire::kWelcome, "bob") + encode_frame(wire::kChat, "hi"))
                    .ok());
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
  Pair p = socket_pair();
  ASSERT_TRUE(write_frame(p.server.get(), wire::kError, "bad token").ok());
  FrameDecoder decoder;
  Expected<std::string> name =
      client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
  EXPECT_FALSE(name);
  EXPECT_EQ(name.message(), "refused: bad token");
}

TEST(ClientHandshake, SilenceTimesOut) {
  Pair p = socket_pair();
  FrameDecoder decoder;
  Expected<std::string> name =
      client_handshake(p.client.get(), "tok", "alice", milliseconds(100), &decoder);
  EXPECT_FALSE(name);
  EXPECT_EQ(name.message(), "no answer in time");
}

TEST(ClientHandshake, ClosedOrGarbled) {
  {
    Pair p = socket_pair();
    p.server.reset();
    FrameDecoder decoder;
    Expected<std::string> name =
        client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
    EXPECT_FALSE(name);
    EXPECT_FALSE(name.message().empty());
  }
  {
    Pair p = socket_pair();
    ASSERT_TRUE(write_frame(p.server.get(), wire::kChat, "not a welcome").ok());
    FrameDecoder decoder;
    Expected<std::string> name =
        client_handshake(p.client.get(), "tok", "alice", milliseconds(5000), &decoder);
    EXPECT_FALSE(name);
    EXPECT_EQ(name.message(), "unexpected answer to HELLO (frame type 3)");
  }
}

TEST(ClientHandshake, ACancelFdEndsTheWait) {
  Pair p = socket_pair();
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
