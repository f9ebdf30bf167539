// Tests for the shared-folder scan: what counts as shared, and the hash cache that spares a
// restart from rehashing.
#include "client/sharing/scan.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/sha256.h"
#include "common/fs/hash_cache.h"

namespace peerlink::lobby {
namespace {

class ShareScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink_share_scan_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/shared";
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ + "/" + name, std::ios::binary | std::ios::trunc) << data;
  }
  // Sets a file's mtime to a fixed moment in the past (old enough to be cached).
  void set_mtime(const std::string& name, time_t sec, long nsec = 0) {
    const timespec times[2] = {{sec, nsec}, {sec, nsec}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (dir_ + "/" + name).c_str(), times, 0), 0);
  }

  std::string root_, dir_;
};

TEST_F(ShareScanTest, ListsTopLevelRegularFilesSortedByName) {
  write("b.txt", "bee");
  write("a file.txt", "a");
  write("empty", "");
  const ShareScan s = scan_shared_folder(dir_);
  ASSERT_TRUE(s.ok) << s.error;
  ASSERT_EQ(s.files.size(), 3u);
  EXPECT_EQ(s.files[0], (ShareEntry{"a file.txt", 1, sha256_hex("a")}));
  EXPECT_EQ(s.files[1], (ShareEntry{"b.txt", 3, sha256_hex("bee")}));
  EXPECT_EQ(s.files[2], (ShareEntry{"empty", 0, sha256_hex("")}));
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(ShareScanTest, SkipsHiddenSubfoldersSpecialFilesAndSymlinksLeadingOut) {
  write("shared.txt", "x");
  write(".hidden", "secret");
  ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0755), 0);
  std::ofstream(dir_ + "/sub/inner.txt") << "inner";
  std::ofstream(root_ + "/outside.txt") << "outside";
  ASSERT_EQ(::symlink((root_ + "/outside.txt").c_str(), (dir_ + "/out-link").c_str()), 0);
  ASSERT_EQ(::symlink("../outside.txt", (dir_ + "/rel-out-link").c_str()), 0);
  ASSERT_EQ(::symlink("shared.txt", (dir_ + "/in-link").c_str()), 0);
  ASSERT_EQ(::symlink("missing", (dir_ + "/dangling").c_str()), 0);
  ASSERT_EQ(::symlink("sub", (dir_ + "/dir-link").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir_ + "/fifo").c_str(), 0644), 0);
  write("ctl\x01name", "x");

  const ShareScan s = scan_shared_folder(dir_);
  ASSERT_TRUE(s.ok);
  ASSERT_EQ(s.files.size(), 2u);
  EXPECT_EQ(s.files[0].name, "in-link");  // a symlink to a file inside the folder is shared
  EXPECT_EQ(s.files[0].sha256, sha256_hex("x"));
  EXPECT_EQ(s.files[1].name, "shared.txt");
  // What was left out, and why (the hash cache .peerlink-hashes is ours: not counted).
  SkipCounts want;
  want.hidden = 1;
  want.subfolders = 1;
  want.symlinks = 4;
  want.special = 1;
  want.bad_names = 1;
  EXPECT_EQ(s.skipped, want);
  EXPECT_EQ(skipped_summary(s.skipped),
            "skipped 8 (1 hidden, 1 subfolder, 4 symlinks, 1 special file, 1 bad name)");
}

TEST(ShareSkipSummary, SaysOnlyWhatHappened) {
  EXPECT_EQ(skipped_summary({}), "");
  SkipCounts s;
  s.hidden = 2;
  s.symlinks = 1;
  EXPECT_EQ(skipped_summary(s), "skipped 3 (2 hidden, 1 symlink)");
  SkipCounts u;
  u.unreadable = 1;
  u.subfolders = 2;
  EXPECT_EQ(skipped_summary(u), "skipped 3 (2 subfolders, 1 unreadable)");
}

TEST_F(ShareScanTest, MissingFolderIsAnError) {
  const ShareScan s = scan_shared_folder(root_ + "/nope");
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.error.find("cannot open shared folder"), std::string::npos) << s.error;
  EXPECT_EQ(share_fingerprint(root_ + "/nope"), "");
}

TEST_F(ShareScanTest, CacheHitAvoidsRehashingUntilTheMtimeChanges) {
  write("data.bin", "original");
  set_mtime("data.bin", 1'600'000'000, 123456789);
  ShareScan first = scan_shared_folder(dir_);
  ASSERT_EQ(first.files.size(), 1u);
  EXPECT_EQ(first.hashed, 1u);
  EXPECT_EQ(first.files[0].sha256, sha256_hex("original"));
  // The cache is a hidden file inside the folder, and so not shared itself.
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + kHashCacheFile));

  // Same size, same mtime, other bytes: the cached hash is trusted (proof that nothing was read).
  write("data.bin", "ORIGINAL");
  set_mtime("data.bin", 1'600'000'000, 123456789);
  ShareScan second = scan_shared_folder(dir_);
  ASSERT_EQ(second.files.size(), 1u);
  EXPECT_EQ(second.hashed, 0u);
  EXPECT_EQ(second.files[0].sha256, sha256_hex("original"));
  EXPECT_EQ(second.fingerprint, first.fingerprint);

  // Touching the mtime (by one nanosecond) makes it rehash.
  set_mtime("data.bin", 1'600'000'000, 123456790);
  EXPECT_NE(share_fingerprint(dir_), first.fingerprint);
  ShareScan third = scan_shared_folder(dir_);
  ASSERT_EQ(third.files.size(), 1u);
  EXPECT_EQ(third.hashed, 1u);
  EXPECT_EQ(third.files[0].sha256, sha256_hex("ORIGINAL"));
}

TEST_F(ShareScanTest, CorruptCacheIsIgnoredAndRewritten) {
  write("a", "alpha");
  set_mtime("a", 1'600'000'000);
  ASSERT_EQ(scan_shared_folder(dir_).hashed, 1u);
  std::ofstream(dir_ + "/" + kHashCacheFile, std::ios::trunc) << "peerlink-hashes 1\nnonsense\n";
  const ShareScan s = scan_shared_folder(dir_);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.hashed, 1u);
  EXPECT_EQ(s.files[0].sha256, sha256_hex("alpha"));
  EXPECT_EQ(scan_shared_folder(dir_).hashed, 0u) << "the rewritten cache works again";
}

TEST_F(ShareScanTest, CacheForgetsRemovedFiles) {
  write("a", "alpha");
  write("b", "beta");
  set_mtime("a", 1'600'000'000);
  set_mtime("b", 1'600'000'000);
  scan_shared_folder(dir_);
  std::filesystem::remove(dir_ + "/b");
  scan_shared_folder(dir_);
  const HashCache c = load_hash_cache(dir_);
  ASSERT_EQ(c.entries().size(), 1u);
  EXPECT_EQ(c.entries().begin()->first, "a");
}

TEST_F(ShareScanTest, RecentlyModifiedFilesAreNotCached) {
  // A file written just now might change again within the same mtime tick.
  write("fresh", "new");
  const ShareScan s = scan_shared_folder(dir_);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_TRUE(load_hash_cache(dir_).entries().empty());
  EXPECT_EQ(scan_shared_folder(dir_).hashed, 1u);
}

TEST_F(ShareScanTest, UnwritableCacheStillScansWithAWarning) {
  write("a", "alpha");
  set_mtime("a", 1'600'000'000);
  // A folder where the cache's temporary file would go makes the write fail, even for root
  // (who ignores a read-only folder's permissions).
  const std::string tmp = dir_ + "/" + kHashCacheFile + ".tmp" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(tmp.c_str(), 0755), 0);
  const ShareScan s = scan_shared_folder(dir_);
  ASSERT_TRUE(s.ok);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.files[0].sha256, sha256_hex("alpha"));
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("cannot write"), std::string::npos) << s.warnings[0];
}

TEST_F(ShareScanTest, FingerprintTracksNamesSizesAndMtimesOnly) {
  write("a", "alpha");
  set_mtime("a", 1'600'000'000);
  const std::string f1 = share_fingerprint(dir_);
  EXPECT_EQ(f1.size(), 64u);
  EXPECT_EQ(share_fingerprint(dir_), f1);
  write(".hidden", "ignored");
  EXPECT_EQ(share_fingerprint(dir_), f1);
  write("b", "beta");
  const std::string f2 = share_fingerprint(dir_);
  EXPECT_NE(f2, f1);
  write("b", "betas");  // size change
  EXPECT_NE(share_fingerprint(dir_), f2);
  EXPECT_EQ(scan_shared_folder(dir_).fingerprint, share_fingerprint(dir_));
}

}  // namespace
}  // namespace peerlink::lobby
