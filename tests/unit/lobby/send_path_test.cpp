// Unit tests of which shared file `send PATH USER...` means (files in a temporary folder).
#include "client/sharing/send_path.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace peerlink::lobby {
namespace {

namespace fs = std::filesystem;
using Status = SendPath::Status;

class SendPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "peerlink-send-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = fs::canonical(tmpl).string();
    share_ = root_ + "/share";
    fs::create_directories(share_ + "/sub");
    touch(share_ + "/report.pdf");
    touch(share_ + "/read me.txt");
    touch(share_ + "/.hidden");
    touch(share_ + "/sub/deep.txt");
    touch(root_ + "/outside.txt");
    fs::create_symlink(root_ + "/outside.txt", share_ + "/link-out");
    fs::create_symlink(share_ + "/report.pdf", share_ + "/link-in");
  }
  void TearDown() override { fs::remove_all(root_); }

  static void touch(const std::string& path) { std::ofstream(path) << "x"; }

  std::string root_;
  std::string share_;
};

TEST_F(SendPathTest, BareNamesAreLookedUpInTheSharedFolder) {
  SendPath p = resolve_send_path(share_, "report.pdf");
  EXPECT_EQ(p.status, Status::kShared);
  EXPECT_EQ(p.name, "report.pdf");
  p = resolve_send_path(share_, "read me.txt");
  EXPECT_EQ(p.status, Status::kShared);
  EXPECT_EQ(p.name, "read me.txt");
  EXPECT_EQ(resolve_send_path(share_, "nothing.txt").status, Status::kMissing);
}

TEST_F(SendPathTest, PathsMustResolveToTheTopLevel) {
  SendPath p = resolve_send_path(share_, share_ + "/report.pdf");
  EXPECT_EQ(p.status, Status::kShared);
  EXPECT_EQ(p.name, "report.pdf");
  EXPECT_EQ(resolve_send_path(share_, share_ + "/sub/../report.pdf").status, Status::kShared);
  EXPECT_EQ(resolve_send_path(share_, root_ + "/outside.txt").status, Status::kOutside);
  EXPECT_EQ(resolve_send_path(share_, share_ + "/../outside.txt").status, Status::kOutside);
  EXPECT_EQ(resolve_send_path(share_, share_ + "/sub/deep.txt").status, Status::kSubfolder);
  EXPECT_EQ(resolve_send_path(share_, share_ + "/sub").status, Status::kNotRegular);
  EXPECT_EQ(resolve_send_path(share_, share_ + "/missing").status, Status::kMissing);
}

TEST_F(SendPathTest, RelativePathsStartInTheWorkingDirectory) {
  const fs::path old = fs::current_path();
  fs::current_path(root_);
  EXPECT_EQ(resolve_send_path(share_, "share/report.pdf").status, Status::kShared);
  EXPECT_EQ(resolve_send_path(share_, "outside.txt").status, Status::kOutside);
  EXPECT_EQ(resolve_send_path(share_, "./share/sub/deep.txt").status, Status::kSubfolder);
  fs::current_path(old);
}

TEST_F(SendPathTest, HiddenNamesAndSymlinks) {
  EXPECT_EQ(resolve_send_path(share_, ".hidden").status, Status::kHidden);
  EXPECT_EQ(resolve_send_path(share_, "link-out").status, Status::kOutside);
  SendPath p = resolve_send_path(share_, "link-in");
  EXPECT_EQ(p.status, Status::kShared);
  EXPECT_EQ(p.name, "link-in");  // shared under the link's own name
}

TEST_F(SendPathTest, TildeIsHome) {
  const char* old = std::getenv("HOME");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("HOME", root_.c_str(), 1);
  EXPECT_EQ(resolve_send_path(share_, "~/share/report.pdf").status, Status::kShared);
  EXPECT_EQ(resolve_send_path(share_, "~/outside.txt").status, Status::kOutside);
  if (old != nullptr) {
    ::setenv("HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("HOME");
  }
}

}  // namespace
}  // namespace peerlink::lobby
