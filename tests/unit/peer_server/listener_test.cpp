// Unit tests of SessionListener::wait(): how a wait ends (the peer, the deadline, the cancel fd)
// and that a connection without the vouched key or the token, or that fails or stalls in the
// Noise handshake, is refused while the wait goes on. Loopback, port 0.
#include "peer_server/session/listener.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "common/base/io.h"
#include "common/net/net.h"
#include "common/noise/stream.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"
#include "tests/support/session_peer.h"

namespace peerlink::peer_server {
namespace {

using std::chrono::milliseconds;
using Clock = SessionListener::Clock;
using testing::SessionPeer;
using testing::test_identity;

// Bob listens for alice.
SessionListener::Keys bobs_keys() {
  return {test_identity("bob"), test_identity("alice").public_key};
}

class SessionListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok()) << l.message();
    port_ = local_port(l->get());
    listener_ = std::move(*l);
    ASSERT_EQ(::pipe(console_pipe_), 0);
  }
  void TearDown() override {
    ::close(console_pipe_[0]);
    ::close(console_pipe_[1]);
  }

  UniqueFd connect_peer() {
    Expected<UniqueFd> c = connect_tcp("127.0.0.1", port_);
    EXPECT_TRUE(c.ok()) << c.message();
    return std::move(c).value_or(UniqueFd());
  }

  // What the listener printed so far (the console's pipe, read without blocking).
  std::string printed() {
    std::string s;
    char buf[4096];
    for (;;) {
      pollfd p{console_pipe_[0], POLLIN, 0};
      if (::poll(&p, 1, 0) != 1) return s;
      const ssize_t n = ::read(console_pipe_[0], buf, sizeof buf);
      if (n <= 0) return s;
      s.append(buf, static_cast<size_t>(n));
    }
  }

  uint16_t port_ = 0;
  UniqueFd listener_;
  int console_pipe_[2] = {-1, -1};
};

TEST_F(SessionListenerTest, EndsWithTimedOutWhenNobodyComes) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  Expected<SessionListener::Accepted> r = waiter.wait(Clock::now() + milliseconds(50), -1);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.status(), Status::kTimeout);
}

TEST_F(SessionListenerTest, EndsCancelledWhenTheCancelFdIsReadable) {
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  UniqueFd cancel_read(cancel[0]), cancel_write(cancel[1]);
  ASSERT_EQ(::write(cancel_write.get(), "x", 1), 1);
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  Expected<SessionListener::Accepted> r =
      waiter.wait(Clock::now() + std::chrono::seconds(30), cancel_read.get());
  EXPECT_FALSE(r);
  EXPECT_NE(r.status(), Status::kTimeout);
  EXPECT_EQ(r.status(), Status::kCancelled);
  EXPECT_EQ(r.error(), ECANCELED);
}

TEST_F(SessionListenerTest, RefusesABadTokenAndAcceptsThePeerWithTheRightOne) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(30), -1); });
  SessionPeer stranger(port_);  // alice's key, but not her token
  ASSERT_TRUE(stranger.ok()) << stranger.error();
  ASSERT_TRUE(stranger.send(wire::kHello, encode_hello("wrong", "mallory")));
  std::optional<Frame> refused = stranger.next();
  SessionPeer peer(port_);
  ASSERT_TRUE(peer.ok()) << peer.error();
  ASSERT_TRUE(peer.send(wire::kHello, encode_hello("token", "alice")));

  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->fd.valid());
  EXPECT_EQ(r->hello_name, "alice");
  ASSERT_TRUE(r->channel);
  EXPECT_EQ(r->channel->remote_static(), test_identity("alice").public_key);

  std::optional<Frame> welcome = peer.next();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->type, wire::kWelcome);
  EXPECT_EQ(welcome->payload, "bob");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->type, wire::kError);
  EXPECT_EQ(refused->payload, "bad token");
}

// Whatever came behind HELLO in the same transport message is handed over for the session.
TEST_F(SessionListenerTest, PlaintextBehindHelloIsKeptForTheSession) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(30), -1); });
  SessionPeer peer(port_);
  ASSERT_TRUE(peer.ok()) << peer.error();
  ASSERT_TRUE(peer.send_raw(encode_frame(wire::kHello, encode_hello("token", "alice")) +
                            encode_frame(wire::kChat, "early")));
  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->after_hello, encode_frame(wire::kChat, "early"));
}

// The right token from the wrong key: the initiator's static key (known after message 3) is not
// the one the broker vouched for, so its HELLO is never looked at.
TEST_F(SessionListenerTest, AnotherInitiatorKeyIsRefusedAndThePeerStillGetsIn) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(30), -1); });
  SessionPeer::Options as_mallory;
  as_mallory.key = test_identity("mallory");
  SessionPeer impostor(port_, as_mallory);
  ASSERT_TRUE(impostor.ok()) << impostor.error();  // its side of the handshake completes
  ASSERT_TRUE(impostor.send(wire::kHello, encode_hello("token", "alice")));
  std::optional<Frame> refused = impostor.next();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->type, wire::kError);
  EXPECT_EQ(refused->payload, "unknown key");
  EXPECT_TRUE(impostor.closed());

  SessionPeer peer(port_);
  ASSERT_TRUE(peer.ok()) << peer.error();
  ASSERT_TRUE(peer.send(wire::kHello, encode_hello("token", "alice")));
  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->hello_name, "alice");
  EXPECT_EQ(printed(),
            "refused a connection from 127.0.0.1: it presented a key the broker did not vouch "
            "for\n");
}

TEST_F(SessionListenerTest, AnotherPrologueFailsTheHandshake) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(30), -1); });
  SessionPeer::Options serve;
  serve.prologue = kPrologueServe;
  SessionPeer wrong(port_, serve);
  EXPECT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), "noise handshake: cannot authenticate the responder's static key");

  SessionPeer peer(port_);
  ASSERT_TRUE(peer.ok()) << peer.error();
  ASSERT_TRUE(peer.send(wire::kHello, encode_hello("token", "alice")));
  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
}

// Strangers that stall mid-handshake (one silent, one after message 1) hold nobody up: the right
// peer gets in long before their kHelloTime runs out, and they are dropped when it does.
TEST_F(SessionListenerTest, AStrangerStallingMidHandshakeDoesNotBlockThePeer) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  const auto start = Clock::now();
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(30), -1); });
  UniqueFd silent = connect_peer();
  UniqueFd stalled = connect_peer();
  NoiseStream half(NoiseRole::kInitiator, kPrologueSession, test_identity("alice"));
  std::string message1;
  ASSERT_TRUE(half.start(&message1));
  ASSERT_TRUE(send_all(stalled.get(), message1).ok());
  ASSERT_TRUE(wait_readable(stalled.get(), 5000).ok());  // message 2 came; we never answer

  SessionPeer peer(port_);
  ASSERT_TRUE(peer.ok()) << peer.error();
  ASSERT_TRUE(peer.send(wire::kHello, encode_hello("token", "alice")));
  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
  EXPECT_LT(Clock::now() - start, SessionListener::kHelloTime);
}

TEST_F(SessionListenerTest, AStrangerWithoutAHandshakeIsDroppedWhenItsTimeIsUp) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  UniqueFd silent = connect_peer();
  // The wait ends before the stranger's time: nothing printed. Then one that outlives it.
  Expected<SessionListener::Accepted> r =
      waiter.wait(Clock::now() + SessionListener::kHelloTime + milliseconds(500), -1);
  EXPECT_EQ(r.status(), Status::kTimeout);
  EXPECT_EQ(printed(), "refused a connection from 127.0.0.1: no handshake in time\n");
  char c;
  EXPECT_EQ(::recv(silent.get(), &c, 1, 0), 0);  // closed, nothing sent
}

TEST_F(SessionListenerTest, StrangersFromOneAddressCannotPushOutThePeerFromAnother) {
  // The peer (127.0.0.2) is between messages 2 and 3 when twenty idle strangers connect from
  // 127.0.0.1: they may take 4 of the 16 slots, never the peer's.
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", bobs_keys(), &console);
  auto waiting = std::async(
      std::launch::async, [&] { return waiter.wait(Clock::now() + std::chrono::seconds(10), -1); });
  UniqueFd peer_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(0x7f000002);  // 127.0.0.2
  ASSERT_EQ(::bind(peer_fd.get(), reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in to = from;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port_);
  ASSERT_EQ(::connect(peer_fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  NoiseStream alice(NoiseRole::kInitiator, kPrologueSession, test_identity("alice"));
  std::string m1, m3, plain;
  ASSERT_TRUE(alice.start(&m1));
  ASSERT_TRUE(send_all(peer_fd.get(), m1).ok());
  while (m3.empty()) {  // message 2, answered by message 3, which waits
    ASSERT_TRUE(wait_readable(peer_fd.get(), 5000).ok());
    char buf[512];
    size_t got = 0;
    ASSERT_TRUE(recv_some(peer_fd.get(), buf, sizeof buf, &got).ok());
    ASSERT_TRUE(alice.on_wire(buf, got, &m3, &plain));
  }
  std::vector<UniqueFd> strangers;
  for (int i = 0; i < 20; ++i) strangers.push_back(connect_peer());
  // The last one is closed (over its address's share) or answered: either way the listener has
  // dealt with every connection before it.
  std::string m1_last;
  NoiseStream last(NoiseRole::kInitiator, kPrologueSession, test_identity("carol"));
  ASSERT_TRUE(last.start(&m1_last));
  (void)send_all(strangers.back().get(), m1_last);
  ASSERT_TRUE(wait_readable(strangers.back().get(), 5000).ok());

  std::string hello = encode_frame(wire::kHello, encode_hello("token", "alice"));
  ASSERT_TRUE(alice.seal(hello.data(), hello.size(), &m3));
  ASSERT_TRUE(send_all(peer_fd.get(), m3).ok());
  Expected<SessionListener::Accepted> r = waiting.get();
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->hello_name, "alice");
}

}  // namespace
}  // namespace peerlink::peer_server
