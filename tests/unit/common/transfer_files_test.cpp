// Unit tests of the two ends of a file transfer on disk: SourceFile (what is sent) and PartFile
// (what is received: verified commit, no overwrite, nothing left behind on failure).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/fs/hash_thread.h"
#include "common/fs/part_file.h"
#include "common/session/share_digest.h"
#include "common/session/source.h"
#include "common/wire/transfer_codec.h"
#include "tests/support/process.h"

namespace peerlink {
namespace {

using testing::read_file;
using testing::write_file;
using ScratchDir = testing::TempDir;

std::string random_bytes_for_test(size_t n, unsigned seed) { return testing::random_data(n, seed); }

std::string digest(std::string_view data) {
  const Sha256::Digest d = sha256(data);
  return std::string(d.begin(), d.end());
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<PartFile> make(const std::string& dir, const std::string& name,
                               std::string_view content) {
  Expected<std::unique_ptr<PartFile>> part =
      PartFile::create(dir, name, content.size(), digest(content));
  EXPECT_TRUE(part.ok()) << part.message();
  return std::move(part).value_or(nullptr);
}

TEST(PartFile, WritesPartThenCommitsUnderTheName) {
  ScratchDir dir;
  auto part = make(dir.path(), "a.txt", "hello world");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->part_path(), dir.file(".peerlink-session.a.txt.part"));
  ASSERT_TRUE(part->append("hello ").ok());
  ASSERT_TRUE(part->append("world").ok());
  EXPECT_EQ(part->written(), 11u);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{".peerlink-session.a.txt.part"});
  const Expected<std::string> final_path = part->commit();
  ASSERT_TRUE(final_path.ok()) << final_path.message();
  EXPECT_EQ(*final_path, dir.file("a.txt"));
  EXPECT_EQ(read_file(*final_path), std::string("hello world"));
  part.reset();  // destroying a committed file leaves it alone
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"a.txt"});
}

TEST(PartFile, NeverOverwrites) {
  ScratchDir dir;
  ASSERT_TRUE(write_file(dir.file("a.txt"), "mine"));
  ASSERT_TRUE(write_file(dir.file("a (1).txt"), "mine too"));
  auto part = make(dir.path(), "a.txt", "theirs");
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->append("theirs").ok());
  const Expected<std::string> final_path = part->commit();
  ASSERT_TRUE(final_path.ok()) << final_path.message();
  EXPECT_EQ(*final_path, dir.file("a (2).txt"));
  EXPECT_EQ(read_file(dir.file("a.txt")), std::string("mine"));
  EXPECT_EQ(read_file(dir.file("a (1).txt")), std::string("mine too"));
  EXPECT_EQ(read_file(dir.file("a (2).txt")), std::string("theirs"));
}

TEST(PartFile, ExistingPartFileOrSymlinkIsNotWrittenThrough) {
  ScratchDir dir;
  ASSERT_TRUE(write_file(dir.file("target"), "precious"));
  ASSERT_EQ(::symlink(dir.file("target").c_str(), dir.file(".peerlink-session.b.bin.part").c_str()),
            0);
  auto part = make(dir.path(), "b.bin", "xyz");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->part_path(), dir.file(".peerlink-session.b.bin (1).part"));
  ASSERT_TRUE(part->append("xyz").ok());
  const Expected<std::string> final_path = part->commit();
  ASSERT_TRUE(final_path.ok()) << final_path.message();
  EXPECT_EQ(*final_path, dir.file("b.bin"));
  EXPECT_EQ(read_file(dir.file("target")), std::string("precious"));
}

TEST(PartFile, HashMismatchLeavesNothing) {
  ScratchDir dir;
  auto part = make(dir.path(), "c.txt", "good");
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->append("evil").ok());
  const Expected<std::string> final_path = part->commit();
  EXPECT_FALSE(final_path.ok());
  EXPECT_EQ(final_path.message(), "sha256 mismatch");
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(PartFile, ADigestThatFollowsIsCheckedAtCommit) {
  ScratchDir dir;
  // Offered without a digest: the sender's (from DONE) decides.
  auto good = PartFile::create(dir.path(), "e.txt", 4, kDigestFollows);
  ASSERT_TRUE(good.ok()) << good.message();
  ASSERT_TRUE((*good)->append("abcd").ok());
  const Expected<std::string> landed = (*good)->commit(digest("abcd"));
  ASSERT_TRUE(landed.ok()) << landed.message();
  EXPECT_EQ(read_file(dir.file("e.txt")), std::string("abcd"));

  auto bad = PartFile::create(dir.path(), "f.txt", 4, kDigestFollows);
  ASSERT_TRUE(bad.ok()) << bad.message();
  ASSERT_TRUE((*bad)->append("abcd").ok());
  const Expected<std::string> refused = (*bad)->commit(digest("abce"));
  EXPECT_EQ(refused.message(), "sha256 mismatch");
  // Neither digest known: nothing to verify against, refused too.
  auto unknown = PartFile::create(dir.path(), "g.txt", 4, kDigestFollows);
  ASSERT_TRUE(unknown.ok()) << unknown.message();
  ASSERT_TRUE((*unknown)->append("abcd").ok());
  EXPECT_EQ((*unknown)->commit().message(), "sha256 mismatch");
  // Both known: both must match.
  auto both = make(dir.path(), "h.txt", "abcd");
  ASSERT_TRUE(both->append("abcd").ok());
  EXPECT_EQ(both->commit(digest("abce")).message(), "sha256 mismatch");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"e.txt"});
}

TEST(PartFile, ManyChunksHashLikeOneShot) {
  ScratchDir dir;
  const std::string data = random_bytes_for_test(3u << 20, 11);
  auto part = make(dir.path(), "big.bin", data);
  ASSERT_TRUE(part);
  std::mt19937 rng(5);
  for (size_t at = 0; at < data.size();) {
    const size_t n = std::min<size_t>(data.size() - at, rng() % 100000 + 1);
    ASSERT_TRUE(part->append(std::string_view(data).substr(at, n)).ok());
    at += n;
  }
  const Expected<std::string> landed = part->commit();
  ASSERT_TRUE(landed.ok()) << landed.message();
  EXPECT_EQ(read_file(*landed), data);
}

TEST(HashThread, EqualsOneShotOverRandomChunkSizes) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    // Past the queue bound (16 blocks of 256 KiB), so the producer has to wait for blocks back.
    const std::string data = random_bytes_for_test((5u << 20) + seed * 777, seed);
    HashThread hasher;
    std::mt19937 rng(seed);
    for (size_t at = 0; at < data.size();) {
      const size_t n = std::min<size_t>(data.size() - at, rng() % (600u << 10));
      hasher.feed(std::string_view(data).substr(at, n));
      at += n;
    }
    EXPECT_EQ(hasher.finish(), digest(data)) << seed;
  }
  HashThread empty;
  EXPECT_EQ(empty.finish(), digest(""));
  HashThread abandoned;  // destroyed mid-stream: stops without finishing
  abandoned.feed(random_bytes_for_test(9u << 20, 9));
}

TEST(ShareDigest, TheSharedFoldersCacheGivesTheDigestOnlyForAMatchingFile) {
  ScratchDir dir;
  const std::string share = dir.file("share");
  std::filesystem::create_directories(share);
  ASSERT_TRUE(write_file(share + "/a b.txt", "hello"));
  ASSERT_TRUE(write_file(dir.file("outside.txt"), "hello"));
  struct stat st;
  ASSERT_EQ(::stat((share + "/a b.txt").c_str(), &st), 0);
  const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  const std::string hex = sha256_hex("hello");
  ASSERT_TRUE(write_file(share + "/.peerlink-hashes", "peerlink-hashes 1\n" + hex + " 5 " +
                                                          std::to_string(mtime) + " a%20b.txt\n"));
  auto in_share = SourceFile::open(share + "/a b.txt", share);
  ASSERT_TRUE(in_share.ok()) << in_share.message();
  EXPECT_TRUE((*in_share)->digest_known());
  EXPECT_EQ((*in_share)->sha256(), digest("hello"));
  // Another folder, no folder given, or a size/mtime the cache did not see: the digest follows.
  struct stat out;
  ASSERT_EQ(::stat(dir.file("outside.txt").c_str(), &out), 0);
  EXPECT_EQ(cached_share_digest(share, dir.file("outside.txt"), out), "");
  EXPECT_EQ(cached_share_digest("", share + "/a b.txt", st), "");
  struct stat touched = st;
  touched.st_mtim.tv_nsec ^= 1;
  EXPECT_EQ(cached_share_digest(share, share + "/a b.txt", touched), "");
  auto opened = SourceFile::open(share + "/a b.txt");
  ASSERT_TRUE(opened.ok());
  EXPECT_FALSE((*opened)->digest_known());
}

TEST(PartFile, ShortFileLeavesNothing) {
  ScratchDir dir;
  auto part = make(dir.path(), "d.txt", "four");
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->append("fou").ok());
  const Expected<std::string> final_path = part->commit();
  EXPECT_FALSE(final_path.ok());
  EXPECT_EQ(final_path.message(), "size mismatch: got 3 of 4 bytes");
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(PartFile, DestroyingAnUnfinishedFileRemovesIt) {
  ScratchDir dir;
  {
    auto part = make(dir.path(), "e.txt", "data");
    ASSERT_TRUE(part);
    ASSERT_TRUE(part->append("da").ok());
    EXPECT_EQ(entries(dir.path()).size(), 1u);
  }
  EXPECT_TRUE(entries(dir.path()).empty());
  auto part = make(dir.path(), "f.txt", "data");
  ASSERT_TRUE(part);
  part->discard();
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(PartFile, EmptyFile) {
  ScratchDir dir;
  auto part = make(dir.path(), "empty", "");
  ASSERT_TRUE(part);
  const Expected<std::string> final_path = part->commit();
  ASSERT_TRUE(final_path.ok()) << final_path.message();
  EXPECT_EQ(read_file(dir.file("empty")), std::string());
}

TEST(PartFile, LongNamesStillFit) {
  ScratchDir dir;
  const std::string name = std::string(255, 'L');
  auto part = make(dir.path(), name, "x");
  ASSERT_TRUE(part);
  EXPECT_EQ(std::filesystem::path(part->part_path()).filename().string().size(), 255u);
  ASSERT_TRUE(part->append("x").ok());
  const Expected<std::string> final_path = part->commit();
  ASSERT_TRUE(final_path.ok()) << final_path.message();
  EXPECT_EQ(*final_path, dir.file(name));
}

TEST(PartFile, CreatesAMissingDownloadsFolder) {
  ScratchDir dir;
  auto part = make(dir.file("downloads"), "g.txt", "g");
  ASSERT_TRUE(part);
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("downloads")));
}

TEST(PartFile, RefusesAFileBiggerThanTheFreeSpace) {
  ScratchDir dir;
  auto part = PartFile::create(dir.path(), "huge", uint64_t{1} << 62, digest(""));
  EXPECT_FALSE(part.ok());
  EXPECT_NE(part.message().find("not enough free space"), std::string::npos) << part.message();
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(PartFile, UnwritableFolderIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("ro"));
  std::filesystem::permissions(
      dir.file("ro"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto part = PartFile::create(dir.file("ro"), "h", 1, digest("h"));
  EXPECT_FALSE(part.ok());
  EXPECT_NE(part.message().find("cannot create"), std::string::npos) << part.message();
  EXPECT_EQ(part.error(), EACCES);
  std::filesystem::permissions(dir.file("ro"), std::filesystem::perms::owner_all);
}

// Sets the modification time of `path` `age` into the past.
void age_file(const std::string& path, std::chrono::seconds age) {
  struct timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= static_cast<time_t>(age.count());
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

TEST(StaleSessionParts, NamesOfTheSessionForm) {
  EXPECT_TRUE(is_session_part_name(".peerlink-session.a.txt.part"));
  EXPECT_TRUE(is_session_part_name(".peerlink-session.a.txt (1).part"));
  EXPECT_FALSE(is_session_part_name(".peerlink-session..part"));
  EXPECT_FALSE(is_session_part_name("a.txt.part"));         // a download's
  EXPECT_FALSE(is_session_part_name(".a.txt.part.state"));  // a download's state
  EXPECT_FALSE(is_session_part_name(".peerlink-session.a.txt"));
}

// A receiver killed with -9 leaves its .part: the next session start removes it once it is old
// and unlocked, and nothing else.
TEST(StaleSessionParts, RemovesOnlyOldUnlockedSessionParts) {
  ScratchDir dir;
  const std::chrono::seconds hour{3600};
  const std::string stale = dir.file(".peerlink-session.killed.bin.part");
  const std::string stale2 = dir.file(".peerlink-session.killed.bin (1).part");
  const std::string fresh = dir.file(".peerlink-session.fresh.bin.part");
  const std::string download = dir.file("movie.mkv.part");  // a download's, resumable
  const std::string state = dir.file(".movie.mkv.part.state");
  const std::string mine = dir.file("notes.part");
  for (const auto& p : {stale, stale2, fresh, download, state, mine}) {
    ASSERT_TRUE(write_file(p, "bytes"));
    if (p != fresh) {
      ASSERT_NO_FATAL_FAILURE(age_file(p, hour));
    }
  }
  // A live receiver's .part, idle for an hour: it holds the lock.
  auto live = make(dir.path(), "live.bin", "data");
  ASSERT_TRUE(live);
  ASSERT_NO_FATAL_FAILURE(age_file(live->part_path(), hour));
  // A symlink and a FIFO under the session form: never followed, never opened for blocking.
  ASSERT_TRUE(write_file(dir.file("target"), "precious"));
  ASSERT_NO_FATAL_FAILURE(age_file(dir.file("target"), hour));
  const std::string link = dir.file(".peerlink-session.link.part");
  ASSERT_EQ(::symlink(dir.file("target").c_str(), link.c_str()), 0);
  ASSERT_NO_FATAL_FAILURE(age_file(link, hour));
  const std::string fifo = dir.file(".peerlink-session.fifo.part");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_NO_FATAL_FAILURE(age_file(fifo, hour));

  EXPECT_EQ(remove_stale_session_parts(dir.path(), std::chrono::seconds(600)), 2u);
  const std::vector<std::string> expected = {".movie.mkv.part.state",
                                             ".peerlink-session.fifo.part",
                                             ".peerlink-session.fresh.bin.part",
                                             ".peerlink-session.link.part",
                                             ".peerlink-session.live.bin.part",
                                             "movie.mkv.part",
                                             "notes.part",
                                             "target"};
  EXPECT_EQ(entries(dir.path()), expected);
  EXPECT_EQ(read_file(dir.file("target")), std::string("precious"));
  // The live one goes on working, and once it is gone there is nothing more to remove.
  const Result appended = live->append("data");
  EXPECT_TRUE(appended.ok()) << appended.message();
  live.reset();
  EXPECT_EQ(remove_stale_session_parts(dir.path(), std::chrono::seconds(600)), 0u);
  EXPECT_EQ(remove_stale_session_parts(dir.file("missing"), std::chrono::seconds(600)), 0u);
}

TEST(SourceFile, OpensAndReadsWithoutHashing) {
  ScratchDir dir;
  const std::string data = random_bytes_for_test(300000, 7);  // more than one hashing chunk
  ASSERT_TRUE(write_file(dir.file("s.bin"), data));
  auto opened = SourceFile::open(dir.file("s.bin"));
  ASSERT_TRUE(opened.ok()) << opened.message();
  const std::unique_ptr<SourceFile>& src = *opened;
  EXPECT_EQ(src->name(), "s.bin");
  EXPECT_EQ(src->size(), data.size());
  // Not in a shared folder: the digest follows with DONE (the sender hashes as it sends).
  EXPECT_EQ(src->sha256(), kDigestFollows);
  EXPECT_FALSE(src->digest_known());
  char buf[10];
  const Expected<size_t> tail = src->read_at(299995, buf, sizeof buf);
  ASSERT_TRUE(tail.ok()) << tail.message();
  ASSERT_EQ(*tail, 5u);
  EXPECT_EQ(std::string(buf, 5), data.substr(299995));
  const Expected<size_t> end = src->read_at(300000, buf, sizeof buf);
  ASSERT_TRUE(end.ok()) << end.message();
  EXPECT_EQ(*end, 0u);
}

TEST(SourceFile, RefusesWhatIsNotARegularFile) {
  ScratchDir dir;
  auto folder = SourceFile::open(dir.path());
  EXPECT_FALSE(folder.ok());
  EXPECT_EQ(folder.message(), dir.path() + " is not a regular file");
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  auto fifo = SourceFile::open(dir.file("fifo"));  // and does not block on it
  EXPECT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.message(), dir.file("fifo") + " is not a regular file");
  auto missing = SourceFile::open(dir.file("missing"));
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(),
            "cannot open " + dir.file("missing") + ": No such file or directory");
  EXPECT_EQ(missing.error(), ENOENT);
}

}  // namespace
}  // namespace peerlink
