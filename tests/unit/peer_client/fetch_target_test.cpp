// Tests for where a download lands: preparing the .part (new, resumed, not ours), writing and
// hashing it, and the final checked rename or the discard on a checksum mismatch.
#include "peer_client/fetch/target.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"
#include "common/crypto/sha256.h"

namespace peerlink::peer_client {
namespace {

namespace fs = std::filesystem;

const std::string kContent = "hello, peer";

std::string hex_of(Sha256* hash) {
  const Sha256::Digest d = hash->finish();
  return to_hex(d.data(), d.size());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class FetchTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink-target-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = (root_ / "downloads").string();  // prepare() creates it
  }
  void TearDown() override { fs::remove_all(root_); }

  FetchTarget target(const std::string& name = "note.txt") const {
    return FetchTarget(dir_, name, kContent.size(), sha256_hex(kContent));
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(FetchTargetTest, DownloadsAndRenamesWithoutReplacingAFile) {
  fs::create_directory(dir_);
  std::ofstream(fs::path(dir_) / "note.txt") << "already here";

  FetchTarget t = target();
  Expected<FetchTarget::Prepared> prepared = t.prepare();
  ASSERT_TRUE(prepared) << prepared.message();
  EXPECT_FALSE(prepared->resumed);
  EXPECT_EQ(prepared->blocks.done_bytes(), 0u);
  EXPECT_TRUE(fs::exists(t.part_path()));
  EXPECT_TRUE(fs::exists(t.state_path()));

  ASSERT_TRUE(t.write(0, kContent.data(), kContent.size()).ok());
  prepared->blocks.set_done(0);
  ASSERT_TRUE(t.save(prepared->blocks).ok());
  Sha256 hash;
  ASSERT_TRUE(t.hash_range(&hash, 0, kContent.size()).ok());
  Expected<std::string> final_path = t.finish(hex_of(&hash));
  ASSERT_TRUE(final_path) << final_path.message();
  EXPECT_EQ(*final_path, dir_ + "/note (1).txt");
  EXPECT_EQ(read_file(*final_path), kContent);
  EXPECT_EQ(read_file(fs::path(dir_) / "note.txt"), "already here");
  EXPECT_FALSE(fs::exists(t.part_path()));
  EXPECT_FALSE(fs::exists(t.state_path()));
}

TEST_F(FetchTargetTest, ResumesWhatAnEarlierRunSaved) {
  {
    FetchTarget first = target();
    Expected<FetchTarget::Prepared> prepared = first.prepare();
    ASSERT_TRUE(prepared) << prepared.message();
    ASSERT_TRUE(first.write(0, kContent.data(), kContent.size()).ok());
    prepared->blocks.set_done(0);
    ASSERT_TRUE(first.save(prepared->blocks).ok());
  }
  FetchTarget again = target();
  Expected<FetchTarget::Prepared> resumed = again.prepare();
  ASSERT_TRUE(resumed) << resumed.message();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_TRUE(resumed->blocks.complete());
}

TEST_F(FetchTargetTest, HashingPastTheEndSaysThePartIsTooShort) {
  FetchTarget t = target();
  ASSERT_TRUE(t.prepare());
  Sha256 hash;
  const Result r = t.hash_range(&hash, 0, kContent.size() + 1);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.message(), t.part_path() + " is too short");
}

TEST_F(FetchTargetTest, LeavesAPartThatIsNotOursAlone) {
  fs::create_directory(dir_);
  std::ofstream(fs::path(dir_) / "note.txt.part") << "someone else's";
  FetchTarget t = target();
  Expected<FetchTarget::Prepared> prepared = t.prepare();
  EXPECT_FALSE(prepared);
  EXPECT_EQ(prepared.message(),
            t.part_path() + " exists but is not a download in progress; move it away to download " +
                "note.txt");
  EXPECT_EQ(read_file(t.part_path()), "someone else's");
}

TEST_F(FetchTargetTest, RefusesAnAnnouncedSizeOverTheLimit) {
  FetchTarget t(dir_, "huge.bin", kMaxFetchFileBytes + 1, std::string(64, 'a'));
  Expected<FetchTarget::Prepared> prepared = t.prepare();
  EXPECT_FALSE(prepared);
  EXPECT_EQ(prepared.message(), "the announced size (" + std::to_string(kMaxFetchFileBytes + 1) +
                                    " bytes) is over the limit of " +
                                    std::to_string(kMaxFetchFileBytes) + " bytes");
  EXPECT_FALSE(fs::exists(dir_));
}

TEST_F(FetchTargetTest, DiscardsTheBytesOnAChecksumMismatch) {
  FetchTarget t = target();
  ASSERT_TRUE(t.prepare());
  ASSERT_TRUE(t.write(0, "HELLO, PEER", kContent.size()).ok());
  Sha256 hash;
  ASSERT_TRUE(t.hash_range(&hash, 0, kContent.size()).ok());
  Expected<std::string> final_path = t.finish(hex_of(&hash));
  EXPECT_FALSE(final_path);
  EXPECT_EQ(final_path.error(), FetchTarget::kMismatch);
  EXPECT_EQ(final_path.message(), "checksum mismatch (the downloaded bytes were discarded)");
  EXPECT_FALSE(fs::exists(t.part_path()));
  EXPECT_FALSE(fs::exists(t.state_path()));
}

}  // namespace
}  // namespace peerlink::peer_client
