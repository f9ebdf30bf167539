// Unit tests of SessionListener::wait(): how a wait ends (the peer, the deadline, the cancel fd)
// and that a connection without the token is refused while the wait goes on. Loopback, port 0.
#include "peer_server/session/listener.h"

#include <unistd.h>
#include <cerrno>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "common/net/net.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"

namespace peerlink::peer_server {
namespace {

using std::chrono::milliseconds;
using Clock = SessionListener::Clock;

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

  uint16_t port_ = 0;
  UniqueFd listener_;
  int console_pipe_[2] = {-1, -1};
};

TEST_F(SessionListenerTest, EndsWithTimedOutWhenNobodyComes) {
  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", &console);
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
  SessionListener waiter(std::move(listener_), "token", "bob", &console);
  Expected<SessionListener::Accepted> r =
      waiter.wait(Clock::now() + std::chrono::seconds(30), cancel_read.get());
  EXPECT_FALSE(r);
  EXPECT_NE(r.status(), Status::kTimeout);
  EXPECT_EQ(r.status(), Status::kCancelled);
  EXPECT_EQ(r.error(), ECANCELED);
}

TEST_F(SessionListenerTest, RefusesABadTokenAndAcceptsThePeerWithTheRightOne) {
  UniqueFd stranger = connect_peer();
  ASSERT_TRUE(write_frame(stranger.get(), wire::kHello, encode_hello("wrong", "mallory")).ok());
  UniqueFd peer = connect_peer();
  ASSERT_TRUE(write_frame(peer.get(), wire::kHello, encode_hello("token", "alice")).ok());

  Console console(console_pipe_[1], false, false);
  SessionListener waiter(std::move(listener_), "token", "bob", &console);
  Expected<SessionListener::Accepted> r = waiter.wait(Clock::now() + std::chrono::seconds(30), -1);
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->fd.valid());
  EXPECT_EQ(r->hello_name, "alice");

  Frame welcome;
  ASSERT_TRUE(read_frame(peer.get(), &welcome).ok());
  EXPECT_EQ(welcome.type, wire::kWelcome);
  EXPECT_EQ(welcome.payload, "bob");
  Frame refused;
  ASSERT_TRUE(read_frame(stranger.get(), &refused).ok());
  EXPECT_EQ(refused.type, wire::kError);
  EXPECT_EQ(refused.payload, "bad token");
}

}  // namespace
}  // namespace peerlink::peer_server
