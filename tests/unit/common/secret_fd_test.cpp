// Unit tests of the secret hand-over descriptor (common/base/secret_fd.*), without a child process.
#include "common/base/secret_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/base/io.h"

namespace peerlink {
namespace {

TEST(SecretFd, RoundTripThroughAMemfdClosesItAfterReading) {
  Expected<UniqueFd> fd = make_secret_fd("key\n0123");
  ASSERT_TRUE(fd.ok()) << fd.message();
  ASSERT_TRUE(fd->valid());
  EXPECT_EQ(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);  // only an exec that asks
  const int raw = fd->release();
  Expected<std::string> secret = take_secret_fd(raw, 64);
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(*secret, "key\n0123");
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(SecretFd, NeverTakesAStandardDescriptorNumber) {
  // A lobby started with stdin closed: the lowest free number is 0.
  UniqueFd saved(::fcntl(0, F_DUPFD_CLOEXEC, 3));
  ASSERT_TRUE(saved.valid());
  ::close(0);
  Expected<UniqueFd> fd = make_secret_fd("abc");
  const bool restored = ::dup2(saved.get(), 0) == 0;
  ASSERT_TRUE(restored);
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_GE(fd->get(), 3);
  EXPECT_EQ(::fcntl(0, F_GETFD), 0);  // stdin is back, and the memfd did not take its place
}

TEST(SecretFd, TheMemfdIsSealedAgainstChanges) {
  Expected<UniqueFd> fd = make_secret_fd("abc");
  ASSERT_TRUE(fd.ok()) << fd.message();
  EXPECT_LT(::write(fd->get(), "x", 1), 0);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(::ftruncate(fd->get(), 0), 0);
}

TEST(SecretFd, LargeSecretsDoNotBlockTheWriter) {
  // Bigger than a pipe's buffer: a pipe written before exec would deadlock here.
  const std::string big(1 << 20, 'x');
  Expected<UniqueFd> fd = make_secret_fd(big);
  ASSERT_TRUE(fd.ok()) << fd.message();
  Expected<std::string> secret = take_secret_fd(fd->release(), big.size());
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(*secret, big);
}

TEST(SecretFd, RefusesOversizedSecretsAndClosesThem) {
  Expected<UniqueFd> fd = make_secret_fd(std::string(65, 'a'));
  ASSERT_TRUE(fd.ok());
  const int raw = fd->release();
  Expected<std::string> secret = take_secret_fd(raw, 64);
  EXPECT_FALSE(secret.ok());
  EXPECT_EQ(secret.message(), "--secret-fd " + std::to_string(raw) + ": more than 64 bytes");
  EXPECT_EQ(secret.error(), EFBIG);
  EXPECT_EQ(std::move(secret).value_or(""), "");  // nothing half-read is kept
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
}

TEST(SecretFd, RefusesADescriptorThatIsNotOpen) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::close(p[0]);
  ::close(p[1]);
  Expected<std::string> secret = take_secret_fd(p[0], 64);
  EXPECT_FALSE(secret.ok());
  EXPECT_EQ(secret.message(), "--secret-fd " + std::to_string(p[0]) + ": not an open descriptor");
  EXPECT_FALSE(take_secret_fd(-1, 64).ok());
}

TEST(SecretFd, APipeWorksToo) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_TRUE(send_all(p[1], std::string("from a pipe")).ok());
  ::close(p[1]);
  Expected<std::string> secret = take_secret_fd(p[0], 64);
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(*secret, "from a pipe");
}

}  // namespace
}  // namespace peerlink
