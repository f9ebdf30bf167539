// Tests for the pause file of downloads stopped by a chat session (its text, hostile contents,
// the file on disk) and for the queue that resumes them.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/downloads/paused.h"
#include "client/downloads/resume_queue.h"
#include "common/crypto/sha256.h"
#include "tests/support/process.h"

namespace peerlink::lobby {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

const std::string kShaA = sha256_hex("a");
const std::string kShaB = sha256_hex("b");

PausedDownloads sample() {
  PausedDownloads p;
  p.user = "alice";
  p.downloads.push_back({"big.bin", 16777216, kShaA});
  p.downloads.push_back({"read me.txt", 0, kShaB});
  return p;
}

// The Expected results seen the way the assertions below read them: an out-parameter that is
// left alone on failure, the failure's message as `why`, and which of the three outcomes it was.
bool parse_into(std::string_view text, PausedDownloads* out, std::string* why) {
  Expected<PausedDownloads> got = parse_paused(text);
  if (!got) {
    *why = got.message();
    return false;
  }
  *out = std::move(*got);
  return true;
}

enum class Load { kMissing, kOk, kCorrupt };
Load load_into(const std::string& dir, const std::string& user, PausedDownloads* out,
               std::string* why) {
  Expected<std::optional<PausedDownloads>> got = load_paused_file(dir, user);
  if (!got) {
    *why = got.message();
    return Load::kCorrupt;
  }
  if (!got->has_value()) return Load::kMissing;
  *out = std::move(**got);
  return Load::kOk;
}

TEST(PausedFileTest, FormatsAndParsesBack) {
  const PausedDownloads p = sample();
  const std::string text = format_paused(p);
  EXPECT_EQ(text, "peerlink-paused 1\nuser alice\ndownload 16777216 " + kShaA +
                      " big.bin\ndownload 0 " + kShaB + " read%20me.txt\n");
  PausedDownloads back;
  std::string why;
  ASSERT_TRUE(parse_into(text, &back, &why)) << why;
  EXPECT_EQ(back, p);
}

TEST(PausedFileTest, AnEmptyListAndAnUpperCaseHashAreFine) {
  PausedDownloads out;
  std::string why;
  ASSERT_TRUE(parse_into("peerlink-paused 1\nuser bob\n", &out, &why)) << why;
  EXPECT_EQ(out.user, "bob");
  EXPECT_TRUE(out.downloads.empty());

  std::string upper = kShaA;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(parse_into("peerlink-paused 1\nuser bob\ndownload 1 " + upper + " x\n", &out, &why))
      << why;
  ASSERT_EQ(out.downloads.size(), 1u);
  EXPECT_EQ(out.downloads[0].sha256, kShaA);  // kept in the form peerlink compares
}

TEST(PausedFileTest, AnythingHostileOrCutOffRejectsTheWholeFile) {
  const std::string head = "peerlink-paused 1\nuser alice\n";
  const std::string good = "download 5 " + kShaA + " ok.txt\n";
  PausedDownloads out = sample();
  const PausedDownloads before = out;
  const std::string too_long_name(256, 'x');
  const std::string many = [&] {
    std::string s = head;
    for (size_t i = 0; i <= kMaxPausedDownloads; ++i) {
      s += "download 1 " + kShaA + " f" + std::to_string(i) + "\n";
    }
    return s;
  }();
  for (const std::string& bad : {
           std::string(""),
           std::string("peerlink-paused 1\n"),                          // no user line
           "peerlink-paused 2\nuser alice\n" + good,                    // another version
           "peerlink-hashes 1\nuser alice\n" + good,                    // another file
           "peerlink-paused 1\nuser -alice\n" + good,                   // invalid user name
           "peerlink-paused 1\nuser alice bob\n" + good,                // extra field
           "peerlink-paused 1\nname alice\n" + good,                    // not a user line
           head + good + "download 5 " + kShaA,                         // cut-off last line
           head + good.substr(0, good.size() - 1),                      // cut-off only line
           head + "download 5 " + kShaA + "\n",                         // missing name
           head + "download 5 " + kShaA + " a b\n",                     // extra field
           head + "upload 5 " + kShaA + " a\n",                         // unknown keyword
           head + "download -1 " + kShaA + " a\n",                      // negative size
           head + "download 18446744073709551616 " + kShaA + " a\n",    // overflow
           head + "download 5x " + kShaA + " a\n",                      // trailing junk
           head + "download 5 " + kShaA.substr(1) + " a\n",             // short hash
           head + "download 5 " + kShaA.substr(1) + "g a\n",            // non-hex hash
           head + "download 5 " + kShaA + " ..%2F..%2Fetc%2Fpasswd\n",  // a path
           head + "download 5 " + kShaA + " .hidden\n",                 // hidden name
           head + "download 5 " + kShaA + " a%0Ab\n",                   // control byte
           head + "download 5 " + kShaA + " %-\n",                      // empty name
           head + "download 5 " + kShaA + " %zz\n",                     // bad escape
           head + "download 5 " + kShaA + " %20padded\n",              // not its own sanitized form
           head + "download 5 " + kShaA + " " + too_long_name + "\n",  // over 255 bytes
           head + good + good,                                         // one name twice
           head + good + "\n",                                         // empty line
           head + good + std::string(1u << 20, 'x') + "\n",            // over 1 MiB
           many,                                                       // over the count bound
           std::string("peerlink-paused 1") + '\0' + "\nuser alice\n",  // NUL in the magic
       }) {
    std::string why;
    EXPECT_FALSE(parse_into(bad, &out, &why)) << bad.substr(0, 200);
    EXPECT_FALSE(why.empty()) << bad.substr(0, 200);
    EXPECT_EQ(out, before);
  }
  // Exactly at the count bound is still fine.
  std::string at_bound = head;
  for (size_t i = 0; i < kMaxPausedDownloads; ++i) {
    at_bound += "download 1 " + kShaA + " f" + std::to_string(i) + "\n";
  }
  std::string why;
  EXPECT_TRUE(parse_into(at_bound, &out, &why)) << why;
  EXPECT_EQ(out.downloads.size(), kMaxPausedDownloads);
}

TEST(PausedFileTest, ParsingNeverCrashesOnMutatedInput) {
  // Every single-byte change and every cut of a valid file: parsed or refused, never a crash,
  // and whatever parses satisfies the rules.
  const std::string text = format_paused(sample());
  auto check = [](const std::string& t) {
    PausedDownloads out;
    std::string why;
    if (!parse_into(t, &out, &why)) return;
    for (const PausedDownload& d : out.downloads) {
      EXPECT_EQ(d.sha256.size(), 64u);
      EXPECT_FALSE(d.name.empty());
      EXPECT_NE(d.name[0], '.');
      EXPECT_EQ(d.name.find('/'), std::string::npos);
    }
  };
  for (size_t i = 0; i <= text.size(); ++i) check(text.substr(0, i));
  for (size_t i = 0; i < text.size(); ++i) {
    for (int b : {0, 0x0a, 0x20, 0x25, 0x2f, 0x2e, 0xff}) {  // NUL \n space % / . 0xff
      std::string t = text;
      t[i] = static_cast<char>(b);
      check(t);
    }
  }
}

TEST(PausedFileTest, OneFilePerUserSavedAtomicallyLoadedAndRemoved) {
  EXPECT_EQ(paused_file_name("alice"), ".peerlink-paused-alice");
  TempDir dir;
  PausedDownloads out;
  std::string why;
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kMissing);
  EXPECT_TRUE(remove_paused_file(dir.path(), "alice").ok()) << "a missing file is removed";

  const Result saved = save_paused_file(dir.path(), sample());
  ASSERT_TRUE(saved.ok()) << saved.message();
  EXPECT_EQ(read_file(dir.file(".peerlink-paused-alice")).value_or(""), format_paused(sample()));
  EXPECT_EQ(load_into(dir.path(), "bob", &out, &why), Load::kMissing);
  ASSERT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kOk) << why;
  EXPECT_EQ(out, sample());
  // Nothing but the file itself is left behind (no temporary file).
  EXPECT_EQ(
      ::access(dir.file(".peerlink-paused-alice.tmp" + std::to_string(::getpid())).c_str(), F_OK),
      -1);
  ASSERT_TRUE(remove_paused_file(dir.path(), "alice").ok());
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kMissing);

  // Another user's list under bob's name (copied by hand) is not bob's to resume.
  ASSERT_TRUE(write_file(dir.file(".peerlink-paused-bob"), format_paused(sample())));
  out = {};
  EXPECT_EQ(load_into(dir.path(), "bob", &out, &why), Load::kCorrupt);
  EXPECT_EQ(why, "it lists downloads of alice");
  EXPECT_EQ(out, PausedDownloads{});
}

TEST(PausedFileTest, ACorruptOrStrangeFileIsReportedNotFollowed) {
  TempDir dir;
  const std::string path = dir.file(".peerlink-paused-alice");
  PausedDownloads out;
  std::string why;

  ASSERT_TRUE(write_file(path, "peerlink-paused 1\nuser alice\ndownload 1 2 3\n"));
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kCorrupt);
  EXPECT_NE(why.find("line 3"), std::string::npos) << why;
  ASSERT_TRUE(remove_paused_file(dir.path(), "alice").ok());

  // A symlink to a valid pause file elsewhere is not followed.
  ASSERT_TRUE(write_file(dir.file("elsewhere"), format_paused(sample())));
  ASSERT_EQ(::symlink("elsewhere", path.c_str()), 0);
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kCorrupt);
  ASSERT_TRUE(remove_paused_file(dir.path(), "alice").ok());
  EXPECT_TRUE(read_file(dir.file("elsewhere")).has_value()) << "the link's target was removed";

  // A FIFO must not hang the reader, a folder is not a pause file.
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kCorrupt);
  ASSERT_TRUE(remove_paused_file(dir.path(), "alice").ok());
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kCorrupt);
  const Result removed = remove_paused_file(dir.path(), "alice");
  EXPECT_FALSE(removed.ok());
  EXPECT_NE(removed.message().find("cannot remove"), std::string::npos) << removed.message();
  EXPECT_EQ(out, PausedDownloads{}) << "nothing was parsed into *out";
}

// A list someone else placed in a folder others can write to is not acted on. Only root can
// give a file away, so elsewhere the test is skipped.
TEST(PausedFileTest, AFileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a file owned by another user";
  TempDir dir;
  std::string why;
  const Result saved = save_paused_file(dir.path(), sample());
  ASSERT_TRUE(saved.ok()) << saved.message();
  PausedDownloads out;
  ASSERT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kOk) << why;
  ASSERT_EQ(::chown(dir.file(".peerlink-paused-alice").c_str(), 65534, 65534), 0);
  out = PausedDownloads{};
  EXPECT_EQ(load_into(dir.path(), "alice", &out, &why), Load::kCorrupt);
  EXPECT_NE(why.find("belongs to another user"), std::string::npos) << why;
  EXPECT_EQ(out, PausedDownloads{});
}

// ---- ResumeQueue ----

using Clock = ResumeQueue::Clock;

TEST(PausedQueueTest, DueInOrderOneEntryPerName) {
  ResumeQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.next_due());
  EXPECT_TRUE(q.add({"a", 1, kShaA}));
  EXPECT_TRUE(q.add({"b", 2, kShaB}));
  EXPECT_FALSE(q.add({"a", 9, kShaB})) << "two downloaders for one name";
  EXPECT_EQ(q.size(), 2u);
  ASSERT_TRUE(q.next_due());
  EXPECT_EQ(q.next_due()->name, "a");
  EXPECT_EQ(q.next_due()->size, 1u);
  q.remove("a");
  EXPECT_EQ(q.next_due()->name, "b");
  q.remove("b");
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.has_due());
}

TEST(PausedQueueTest, WaitsForAnOwnerUntilItsDeadline) {
  ResumeQueue q;
  const Clock::time_point t0 = Clock::now();
  q.add({"a", 1, kShaA});
  q.add({"b", 2, kShaB});
  EXPECT_TRUE(q.wait_for_owner("a", t0)) << "the first wait is announced";
  EXPECT_EQ(q.next_due()->name, "b") << "a waiting download is not due";
  EXPECT_EQ(q.next_deadline(), t0 + ResumeQueue::kOwnerWait);
  EXPECT_TRUE(q.wait_for_owner("b", t0 + std::chrono::seconds(5)));
  EXPECT_FALSE(q.has_due());

  // Someone announced files: both are tried again; nobody yet, and the deadline is kept.
  q.owners_changed();
  EXPECT_EQ(q.next_due()->name, "a");
  EXPECT_FALSE(q.next_deadline()) << "a due download has no deadline to wake for";
  EXPECT_FALSE(q.wait_for_owner("a", t0 + std::chrono::seconds(20))) << "announced once only";
  EXPECT_EQ(q.next_deadline(), t0 + ResumeQueue::kOwnerWait);

  EXPECT_TRUE(q.take_expired(t0 + ResumeQueue::kOwnerWait - std::chrono::milliseconds(1)).empty());
  const std::vector<PausedDownload> gone = q.take_expired(t0 + ResumeQueue::kOwnerWait);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].name, "a");
  // b is due (owners_changed), so it does not expire while it waits for its turn.
  EXPECT_TRUE(q.take_expired(t0 + std::chrono::hours(1)).empty());
  EXPECT_EQ(q.next_due()->name, "b");
  EXPECT_FALSE(q.wait_for_owner("b", t0 + std::chrono::seconds(40)));
  EXPECT_EQ(q.take_expired(t0 + std::chrono::seconds(40)).size(), 1u);
  EXPECT_TRUE(q.empty());
}

TEST(PausedQueueTest, TakeAllEmptiesItOldestFirst) {
  ResumeQueue q;
  q.add({"x", 1, kShaA});
  q.add({"y", 2, kShaB});
  q.wait_for_owner("x", Clock::now());
  const std::vector<PausedDownload> all = q.take_all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "x");
  EXPECT_EQ(all[1].name, "y");
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.wait_for_owner("x", Clock::now())) << "unknown names are ignored";
}

}  // namespace
}  // namespace peerlink::lobby
