// The file server's path rules on a real folder: what open_beneath() and ShareDir::open_file()
// open and what they refuse (no sockets).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "peer_server/serve/open.h"
#include "peer_server/serve/throttle.h"

namespace peerlink::peer_server {
namespace {

namespace fs = std::filesystem;

class ShareDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink-sharedir-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directory(root_ / "shared");
    fs::create_directory(root_ / "shared" / "sub");
    write(root_ / "shared" / "a.txt", "alpha");
    write(root_ / "shared" / "sub" / "b.txt", "beta");
    write(root_ / "secret.txt", "outside");
    fs::create_symlink(root_ / "secret.txt", root_ / "shared" / "out-link");
    fs::create_symlink("a.txt", root_ / "shared" / "in-link");
    fs::create_directory_symlink(root_, root_ / "shared" / "up");
    ASSERT_EQ(::mkfifo((root_ / "shared" / "fifo").c_str(), 0600), 0);
    std::string error;
    ASSERT_TRUE(dir_.open((root_ / "shared").string(), &error)) << error;
  }
  void TearDown() override { fs::remove_all(root_); }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  static std::string read_all(int fd) {
    std::string out;
    char buf[64];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  fs::path root_;
  ShareDir dir_;
};

TEST_F(ShareDirTest, OpensARegularFileOfTheFolder) {
  struct stat st {};
  std::string error;
  UniqueFd fd = dir_.open_file("a.txt", &st, &error);
  ASSERT_TRUE(fd.valid()) << error;
  EXPECT_EQ(st.st_size, 5);
  EXPECT_EQ(read_all(fd.get()), "alpha");
}

TEST_F(ShareDirTest, ServesASymlinkThatStaysInsideAndRefusesOneThatLeaves) {
  struct stat st {};
  std::string error;
  UniqueFd in = dir_.open_file("in-link", &st, &error);
  ASSERT_TRUE(in.valid()) << error;
  EXPECT_EQ(read_all(in.get()), "alpha");

  UniqueFd out = dir_.open_file("out-link", &st, &error);
  EXPECT_FALSE(out.valid());
  EXPECT_EQ(error, "outside the shared folder");
}

TEST_F(ShareDirTest, RefusesWhatIsNotARegularFileOrNotThere) {
  struct stat st {};
  std::string error;
  EXPECT_FALSE(dir_.open_file("fifo", &st, &error).valid());
  EXPECT_EQ(error, "not a regular file");
  EXPECT_FALSE(dir_.open_file("sub", &st, &error).valid());
  EXPECT_EQ(error, "not a regular file");
  EXPECT_FALSE(dir_.open_file("missing.txt", &st, &error).valid());
  EXPECT_EQ(error, "no such file");
}

TEST_F(ShareDirTest, OpenBeneathFollowsNoSymlinkAndNoDotDot) {
  UniqueFd ok = open_beneath(dir_.fd(), "sub/b.txt", O_RDONLY);
  ASSERT_TRUE(ok.valid());
  EXPECT_EQ(read_all(ok.get()), "beta");

  errno = 0;
  EXPECT_FALSE(open_beneath(dir_.fd(), "up/secret.txt", O_RDONLY).valid());
  EXPECT_TRUE(errno == ELOOP || errno == ENOTDIR || errno == EXDEV) << errno;
  EXPECT_FALSE(open_beneath(dir_.fd(), "in-link", O_RDONLY).valid());
  for (const char* bad : {"../secret.txt", "sub/../a.txt", "/etc/passwd", "", "sub//b.txt", "."}) {
    errno = 0;
    EXPECT_FALSE(open_beneath(dir_.fd(), bad, O_RDONLY).valid()) << bad;
    EXPECT_NE(errno, 0) << bad;
  }
}

TEST_F(ShareDirTest, NoticesWhenTheFolderIsReplaced) {
  EXPECT_TRUE(dir_.still_there());
  fs::rename(root_ / "shared", root_ / "moved");
  fs::create_directory_symlink(root_, root_ / "shared");
  EXPECT_FALSE(dir_.still_there());
}

TEST(RateLimiterTest, StopWakesWaitersAndRefusesLaterRequests) {
  RateLimiter limiter(1);  // one byte a second: a second request would wait for a long time
  EXPECT_TRUE(limiter.acquire(1));
  limiter.stop();
  EXPECT_FALSE(limiter.acquire(1000));
}

}  // namespace
}  // namespace peerlink::peer_server
