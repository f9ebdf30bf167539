// Unit tests of how the lobby reads the downloader's progress lines and shows transfers.
#include "client/downloads/progress.h"

#include <gtest/gtest.h>

#include <string>

namespace peerlink::lobby {
namespace {

using Kind = FetchProgress::Kind;

TEST(ClientProgress, ParsesTheThreeKindsOfLine) {
  FetchProgress p;
  ASSERT_TRUE(parse_fetch_progress("progress 1048576 4194304 2097152 3", &p));
  EXPECT_EQ(p.kind, Kind::kProgress);
  EXPECT_EQ(p.done, 1048576u);
  EXPECT_EQ(p.total, 4194304u);
  EXPECT_EQ(p.rate, 2097152u);
  EXPECT_EQ(p.active, 3u);
  ASSERT_TRUE(parse_fetch_progress("done /home/bob/downloads/read%20me.txt", &p));
  EXPECT_EQ(p.kind, Kind::kDone);
  EXPECT_EQ(p.text, "/home/bob/downloads/read me.txt");
  ASSERT_TRUE(parse_fetch_progress("failed all%20sources%20failed", &p));
  EXPECT_EQ(p.kind, Kind::kFailed);
  EXPECT_EQ(p.text, "all sources failed");
}

// A resumed .part: the downloader says how much is already there, the lobby says it for people.
TEST(ClientProgress, ResumedLine) {
  FetchProgress p;
  ASSERT_TRUE(parse_fetch_progress("resumed 12582912 52428800", &p));
  EXPECT_EQ(p.kind, Kind::kResumed);
  EXPECT_EQ(p.done, 12582912u);
  EXPECT_EQ(p.total, 52428800u);
  EXPECT_FALSE(parse_fetch_progress("resumed 1", &p));
  EXPECT_FALSE(parse_fetch_progress("resumed 1 2 3", &p));
  EXPECT_FALSE(parse_fetch_progress("resumed x 2", &p));
  EXPECT_EQ(resumed_text("report.pdf", 12582912, 52428800),
            "resuming report.pdf at 12.0 MiB of 50.0 MiB (24%)");
  EXPECT_EQ(resumed_text("a\x1b.bin", 0, 2097152), "resuming a?.bin at 0 B of 2.0 MiB (0%)");
}

TEST(ClientProgress, RejectsAnythingElse) {
  FetchProgress p;
  EXPECT_FALSE(parse_fetch_progress("", &p));
  EXPECT_FALSE(parse_fetch_progress("progress 1 2 3", &p));
  EXPECT_FALSE(parse_fetch_progress("progress 1 2 3 x", &p));
  EXPECT_FALSE(parse_fetch_progress("progress -1 2 3 4", &p));
  EXPECT_FALSE(parse_fetch_progress("done", &p));
  EXPECT_FALSE(parse_fetch_progress("done a b", &p));
  EXPECT_FALSE(parse_fetch_progress("failed bad%zz", &p));
  EXPECT_FALSE(parse_fetch_progress("fetching big.bin (1 bytes) from 1 source", &p));
}

TEST(ClientProgress, Texts) {
  EXPECT_EQ(size_text(999), "999 bytes");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  EXPECT_EQ(size_text(100ULL << 20), "100.0 MiB");
  EXPECT_EQ(size_text(2ULL << 30), "2.0 GiB");
}

TEST(ClientProgress, RunningTransferLine) {
  EXPECT_EQ(running_transfer_line("big.bin", 47185920, 104857600, 12300000, 2, 3),
            "  big.bin  45% of 100.0 MiB  11.7 MiB/s  ETA 0:05  2 of 3 sources");
  EXPECT_EQ(running_transfer_line("x", 0, 4096, 0, 0, 1),
            "  x  0% of 4.0 KiB  0 B/s  ETA --:--  0 of 1 source");
  // Never 100 % before the last byte, even when the rest rounds away.
  EXPECT_EQ(running_transfer_line("y", 999, 1000, 10, 1, 1),
            "  y  99% of 1000 bytes  10 B/s  ETA 0:01  1 of 1 source");
  EXPECT_EQ(running_transfer_line("z", 1000, 1000, 0, 0, 2),
            "  z  100% of 1000 bytes  0 B/s  ETA 0:00  0 of 2 sources");
}

}  // namespace
}  // namespace peerlink::lobby
