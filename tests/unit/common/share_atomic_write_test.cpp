// Tests for atomic small-file replacement and the cleanup of temporary files of dead writers.
#include "common/fs/atomic_write.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

class AtomicWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink_atomic_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string dir_;
};

TEST_F(AtomicWriteTest, ReplacesTheFileAndLeavesNoTemporary) {
  const std::string path = dir_ + "/state";
  const Result one = write_file_atomically(path, "one");
  ASSERT_TRUE(one.ok()) << one.message();
  const Result two = write_file_atomically(path, "two");
  ASSERT_TRUE(two.ok()) << two.message();
  EXPECT_EQ(read(path), "two");
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) n += e.exists() ? 1 : 0;
  EXPECT_EQ(n, 1u);
}

TEST_F(AtomicWriteTest, StateFilesAreReadableByTheirOwnerOnly) {
  const std::string path = dir_ + "/state";
  const mode_t old_mask = ::umask(0);  // even with a permissive umask
  const Result written = write_file_atomically(path, "pause file, tickets");
  ::umask(old_mask);
  ASSERT_TRUE(written.ok()) << written.message();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AtomicWriteTest, RemovesOnlyTheTemporariesOfDeadWriters) {
  const std::string path = dir_ + "/state";
  // No process has a pid this large (pid_max is at most 2^22).
  const std::string dead = path + ".tmp999999999";
  const std::string alive = path + ".tmp" + std::to_string(::getppid());
  const std::string unrelated = path + ".tmpx";
  for (const std::string& p : {dead, alive, unrelated}) std::ofstream(p) << "x";
  remove_stale_temp_files(path);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(alive));
  EXPECT_TRUE(std::filesystem::exists(unrelated));
}

TEST_F(AtomicWriteTest, FailsCleanlyWhenTheFolderIsMissing) {
  const Result r = write_file_atomically(dir_ + "/nope/state", "x");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cannot write"), std::string::npos) << r.message();
  EXPECT_EQ(r.error(), ENOENT);
}

}  // namespace
}  // namespace peerlink
