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
    const Result opened = dir_.open((root_ / "shared").string());
    ASSERT_TRUE(opened) << opened.message();
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
  Expected<ServedFile> file = dir_.open_file("a.txt");
  ASSERT_TRUE(file) << file.message();
  ASSERT_TRUE(file->fd.valid());
  EXPECT_EQ(file->st.st_size, 5);
  EXPECT_EQ(read_all(file->fd.get()), "alpha");
}

TEST_F(ShareDirTest, ServesASymlinkThatStaysInsideAndRefusesOneThatLeaves) {
  Expected<ServedFile> in = dir_.open_file("in-link");
  ASSERT_TRUE(in) << in.message();
  EXPECT_EQ(read_all(in->fd.get()), "alpha");

  Expected<ServedFile> out = dir_.open_file("out-link");
  EXPECT_FALSE(out);
  EXPECT_EQ(out.message(), "outside the shared folder");
}

TEST_F(ShareDirTest, RefusesWhatIsNotARegularFileOrNotThere) {
  Expected<ServedFile> fifo = dir_.open_file("fifo");
  EXPECT_FALSE(fifo);
  EXPECT_EQ(fifo.message(), "not a regular file");
  Expected<ServedFile> sub = dir_.open_file("sub");
  EXPECT_FALSE(sub);
  EXPECT_EQ(sub.message(), "not a regular file");
  Expected<ServedFile> missing = dir_.open_file("missing.txt");
  EXPECT_FALSE(missing);
  EXPECT_EQ(missing.message(), "no such file");
}

TEST_F(ShareDirTest, OpenSaysWhyTheFolderCannotBeShared) {
  ShareDir dir;
  const Result missing = dir.open((root_ / "nowhere").string());
  EXPECT_FALSE(missing);
  EXPECT_EQ(missing.message(), "cannot open shared folder " + (root_ / "nowhere").string() +
                                   ": No such file or directory");
  const Result file = dir.open((root_ / "secret.txt").string());
  EXPECT_FALSE(file);
  EXPECT_EQ(file.message(),
            "shared folder " + (root_ / "secret.txt").string() + " is not a folder");
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
