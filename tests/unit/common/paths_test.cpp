// Tests for download destinations and shared-folder path resolution, in real temp folders.
#include "common/fs/paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

std::string make_temp_dir() {
  char tmpl[] = "/tmp/peerlink_paths_XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  return dir != nullptr ? std::string(dir) : std::string();
}

void touch(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << path;
  ::close(fd);
}

std::string real(const std::string& path) {
  std::error_code ec;
  return std::filesystem::canonical(path, ec).string();
}

class PathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    other_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    ASSERT_FALSE(other_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::remove_all(other_, ec);
  }
  std::string dir_;    // the shared / download folder
  std::string other_;  // a folder outside it
};

TEST_F(PathsTest, UniqueDestinationFreeName) {
  EXPECT_EQ(unique_destination(dir_, "a.txt"), dir_ + "/a.txt");
}

TEST_F(PathsTest, UniqueDestinationNumbersTakenNames) {
  touch(dir_ + "/a.txt");
  EXPECT_EQ(unique_destination(dir_, "a.txt"), dir_ + "/a (1).txt");
  touch(dir_ + "/a (1).txt");
  EXPECT_EQ(unique_destination(dir_, "a.txt"), dir_ + "/a (2).txt");
  touch(dir_ + "/a (2).txt");
  EXPECT_EQ(unique_destination(dir_, "a.txt"), dir_ + "/a (3).txt");
}

TEST_F(PathsTest, UniqueDestinationWithoutExtension) {
  touch(dir_ + "/README");
  EXPECT_EQ(unique_destination(dir_, "README"), dir_ + "/README (1)");
}

TEST_F(PathsTest, UniqueDestinationSplitsAtLastDot) {
  touch(dir_ + "/archive.tar.gz");
  EXPECT_EQ(unique_destination(dir_, "archive.tar.gz"), dir_ + "/archive.tar (1).gz");
}

TEST_F(PathsTest, UniqueDestinationDotfileIsAllStem) {
  touch(dir_ + "/.profile");
  EXPECT_EQ(unique_destination(dir_, ".profile"), dir_ + "/.profile (1)");
}

TEST_F(PathsTest, UniqueDestinationCountsDanglingSymlinkAsTaken) {
  ASSERT_EQ(::symlink((other_ + "/nowhere").c_str(), (dir_ + "/link.txt").c_str()), 0);
  EXPECT_EQ(unique_destination(dir_, "link.txt"), dir_ + "/link (1).txt");
}

TEST_F(PathsTest, UniqueDestinationStaysWithinNameMax) {
  const std::string name = std::string(251, 'n') + ".txt";  // exactly 255 bytes
  touch(dir_ + "/" + name);
  const std::string got = unique_destination(dir_, name);
  const std::string base = got.substr(dir_.size() + 1);
  EXPECT_EQ(base.size(), 255u);
  EXPECT_EQ(base.substr(base.size() - 8), " (1).txt");
  touch(got);  // the file system accepts the name
}

TEST_F(PathsTest, ResolveInsideRegularFile) {
  touch(dir_ + "/song.ogg");
  const Expected<std::string> resolved = resolve_inside(dir_, "song.ogg");
  ASSERT_TRUE(resolved.ok()) << resolved.message();
  EXPECT_EQ(*resolved, real(dir_ + "/song.ogg"));
}

TEST_F(PathsTest, ResolveInsideRefusesBadNames) {
  touch(dir_ + "/.hidden");
  touch(other_ + "/x");
  for (const char* bad : {"../x", "/etc/passwd", "", ".hidden", "..", ".", "a/b"}) {
    const Expected<std::string> resolved = resolve_inside(dir_, bad);
    EXPECT_FALSE(resolved.ok()) << bad;
    EXPECT_EQ(resolved.message(), "bad file name") << bad;
  }
  // The other folder's name relative to ours is refused too.
  const std::string escape = "../" + other_.substr(other_.rfind('/') + 1) + "/x";
  const Expected<std::string> resolved = resolve_inside(dir_, escape);
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.message(), "bad file name");
}

TEST_F(PathsTest, ResolveInsideMissingFile) {
  const Expected<std::string> resolved = resolve_inside(dir_, "absent.txt");
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.message(), "no such file");
}

TEST_F(PathsTest, ResolveInsideRefusesDirectory) {
  ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0700), 0);
  const Expected<std::string> resolved = resolve_inside(dir_, "sub");
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.message(), "not a regular file");
}

TEST_F(PathsTest, ResolveInsideRefusesSymlinkLeadingOut) {
  touch(other_ + "/secret");
  ASSERT_EQ(::symlink((other_ + "/secret").c_str(), (dir_ + "/innocent.txt").c_str()), 0);
  const Expected<std::string> innocent = resolve_inside(dir_, "innocent.txt");
  EXPECT_FALSE(innocent.ok());
  EXPECT_EQ(innocent.message(), "outside the shared folder");
  // A relative symlink climbing out is refused just the same.
  const std::string rel = "../" + other_.substr(other_.rfind('/') + 1) + "/secret";
  ASSERT_EQ(::symlink(rel.c_str(), (dir_ + "/sneaky.txt").c_str()), 0);
  const Expected<std::string> sneaky = resolve_inside(dir_, "sneaky.txt");
  EXPECT_FALSE(sneaky.ok());
  EXPECT_EQ(sneaky.message(), "outside the shared folder");
}

TEST_F(PathsTest, ResolveInsideRefusesSymlinkToPrefixSibling) {
  // "/tmp/dirX" must not count as inside "/tmp/dir" just because it shares a string prefix.
  const std::string sibling = dir_ + "-sibling";
  ASSERT_EQ(::mkdir(sibling.c_str(), 0700), 0);
  touch(sibling + "/f");
  ASSERT_EQ(::symlink((sibling + "/f").c_str(), (dir_ + "/f").c_str()), 0);
  const Expected<std::string> resolved = resolve_inside(dir_, "f");
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.message(), "outside the shared folder");
  std::error_code ec;
  std::filesystem::remove_all(sibling, ec);
}

TEST_F(PathsTest, ResolveInsideAcceptsSymlinkInside) {
  ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0700), 0);
  touch(dir_ + "/sub/target.bin");
  ASSERT_EQ(::symlink("sub/target.bin", (dir_ + "/alias.bin").c_str()), 0);
  const Expected<std::string> resolved = resolve_inside(dir_, "alias.bin");
  ASSERT_TRUE(resolved.ok()) << resolved.message();
  EXPECT_EQ(*resolved, real(dir_ + "/sub/target.bin"));
}

TEST_F(PathsTest, ResolveInsideWorksThroughSymlinkedRoot) {
  touch(dir_ + "/doc.txt");
  const std::string root_link = other_ + "/shared";
  ASSERT_EQ(::symlink(dir_.c_str(), root_link.c_str()), 0);
  const Expected<std::string> resolved = resolve_inside(root_link, "doc.txt");
  ASSERT_TRUE(resolved.ok()) << resolved.message();
  EXPECT_EQ(*resolved, real(dir_ + "/doc.txt"));
}

TEST_F(PathsTest, LookInsideTellsTheReasonsApart) {
  touch(dir_ + "/song.ogg");
  touch(other_ + "/secret");
  ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0700), 0);
  ASSERT_EQ(::symlink((other_ + "/secret").c_str(), (dir_ + "/out.txt").c_str()), 0);
  using Kind = InsidePath::Kind;
  const auto kind = [&](const char* name) {
    const Expected<InsidePath> found = look_inside(dir_, name);
    EXPECT_TRUE(found.ok()) << name << ": " << found.message();
    return found.ok() ? found->kind : Kind::kMissing;
  };
  EXPECT_EQ(kind("song.ogg"), Kind::kFile);
  EXPECT_EQ(kind("../x"), Kind::kBadName);
  EXPECT_EQ(kind("absent.txt"), Kind::kMissing);
  EXPECT_EQ(kind("out.txt"), Kind::kOutside);
  EXPECT_EQ(kind("sub"), Kind::kNotRegular);
  EXPECT_EQ(look_inside(dir_, "song.ogg")->path, real(dir_ + "/song.ogg"));
  EXPECT_FALSE(look_inside(dir_ + "/nope", "a.txt").ok());
}

TEST_F(PathsTest, ResolveInsideMissingRoot) {
  const Expected<std::string> resolved = resolve_inside(dir_ + "/nope", "a.txt");
  EXPECT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.message().rfind("cannot open shared folder ", 0), 0u) << resolved.message();
  EXPECT_EQ(resolved.error(), ENOENT);
}

TEST(BaseNameTest, Cases) {
  EXPECT_EQ(base_name("a/b/c.txt"), "c.txt");
  EXPECT_EQ(base_name("c.txt"), "c.txt");
  EXPECT_EQ(base_name("/abs/dir/"), "dir");
  EXPECT_EQ(base_name("dir///"), "dir");
  EXPECT_EQ(base_name("/file"), "file");
  EXPECT_EQ(base_name("/"), "");
  EXPECT_EQ(base_name(""), "");
}

}  // namespace
}  // namespace peerlink
