// Unit tests of the TCP helpers' results (common/net/net.*): a listening fd, or a message that
// names what failed with the errno behind it.
#include "common/net/net.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace peerlink {
namespace {

TEST(Net, ListenThenConnectGivesValidFds) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(l.ok()) << l.message();
  const uint16_t port = local_port(l->get());
  ASSERT_NE(port, 0);
  Expected<UniqueFd> c = connect_tcp("127.0.0.1", port, 2000);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_TRUE(c->valid());
  EXPECT_EQ(c.error(), 0);
}

TEST(Net, ARefusedConnectNamesTheAddressAndKeepsErrno) {
  uint16_t port = 0;
  {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok()) << l.message();
    port = local_port(l->get());
  }  // closed: nothing listens there now
  Expected<UniqueFd> c = connect_tcp("127.0.0.1", port, 2000);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status(), Status::kError);
  EXPECT_EQ(c.error(), ECONNREFUSED);
  EXPECT_EQ(c.message(), "cannot reach 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST(Net, ABadBindAddressIsEinval) {
  Expected<UniqueFd> l = listen_tcp("not an address", 0);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error(), EINVAL);
  EXPECT_EQ(l.message().rfind("bad address not an address: ", 0), 0u) << l.message();
}

TEST(Net, AReadableCancelFdGivesUpWithEcanceled) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  ASSERT_EQ(::write(w.get(), "x", 1), 1);
  // 192.0.2.1 (TEST-NET-1) never answers; the cancel fd must end the attempt, not the timeout.
  Expected<UniqueFd> c = connect_tcp("192.0.2.1", 9, 60'000, r.get());
  ASSERT_FALSE(c.ok());
  if (c.error() == ENETUNREACH) GTEST_SKIP() << "no route to TEST-NET-1 here: " << c.message();
  EXPECT_EQ(c.error(), ECANCELED) << c.message();
}

}  // namespace
}  // namespace peerlink
