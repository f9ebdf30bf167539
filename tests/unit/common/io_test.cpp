// Unit tests of the blocking I/O helpers (common/base/io.*): what each Result says on success,
// EOF, timeout and a failed system call.
#include "common/base/io.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/base/fd.h"

namespace peerlink {
namespace {

struct SocketPair {
  UniqueFd a, b;
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
};

TEST(Io, SendAllThenRecvExactMovesEveryByte) {
  SocketPair p;
  ASSERT_TRUE(send_all(p.a.get(), "hello world").ok());
  char buf[11];
  const Result r = recv_exact(p.b.get(), buf, sizeof buf);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(std::string(buf, sizeof buf), "hello world");
  EXPECT_EQ(r.message(), "");
}

TEST(Io, RecvExactIsClosedWhenEofCutsItShort) {
  SocketPair p;
  ASSERT_TRUE(send_all(p.a.get(), "abc").ok());
  p.a.reset();
  char buf[8];
  const Result r = recv_exact(p.b.get(), buf, sizeof buf);
  EXPECT_EQ(r.status(), Status::kClosed);
  EXPECT_EQ(r.message(), "connection closed");
  EXPECT_EQ(r.error(), 0);
}

TEST(Io, RecvSomeReportsEofWithNothingGot) {
  SocketPair p;
  p.a.reset();
  char c = 0;
  size_t got = 7;
  EXPECT_EQ(recv_some(p.b.get(), &c, 1, &got).status(), Status::kClosed);
  EXPECT_EQ(got, 0u);
}

TEST(Io, SendAllToAVanishedPeerIsAnErrorWithErrnoAndItsText) {
  SocketPair p;
  p.b.reset();
  const Result r = send_all(p.a.get(), "x");  // MSG_NOSIGNAL: no SIGPIPE kills the test
  EXPECT_EQ(r.status(), Status::kError);
  EXPECT_EQ(r.error(), EPIPE);
  EXPECT_EQ(r.message(), std::strerror(EPIPE));  // no context: callers add their own
}

TEST(Io, SendAllWritesToAPipeToo) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  ASSERT_TRUE(send_all(w.get(), "pipe").ok());
  w.reset();
  std::string text;
  ASSERT_TRUE(read_to_end(r.get(), 100, &text).ok());
  EXPECT_EQ(text, "pipe");
}

TEST(Io, ReadToEndRefusesMoreThanMaxWithEfbig) {
  SocketPair p;
  ASSERT_TRUE(send_all(p.a.get(), std::string(20, 'x')).ok());
  p.a.reset();
  std::string text;
  const Result r = read_to_end(p.b.get(), 10, &text);
  EXPECT_EQ(r.status(), Status::kError);
  EXPECT_EQ(r.error(), EFBIG);
}

TEST(Io, WaitReadableTimesOutThenSeesData) {
  SocketPair p;
  const Result idle = wait_readable(p.b.get(), 0);
  EXPECT_EQ(idle.status(), Status::kTimeout);
  EXPECT_EQ(idle.message(), "timed out");
  ASSERT_TRUE(send_all(p.a.get(), "!").ok());
  EXPECT_TRUE(wait_readable(p.b.get(), -1).ok());
}

TEST(Io, ABadDescriptorIsEbadf) {
  char c = 0;
  size_t got = 0;
  const Result r = recv_some(-1, &c, 1, &got);
  EXPECT_EQ(r.status(), Status::kError);
  EXPECT_EQ(r.error(), EBADF);
  EXPECT_EQ(r.message(), std::strerror(EBADF));
}

}  // namespace
}  // namespace peerlink
