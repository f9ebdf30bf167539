// Unit tests of how the lobby reads the downloader's progress lines and shows transfers.
#include "common/client_progress.h"

#include <gtest/gtest.h>

#include <string>

namespace peerlink {
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
  EXPECT_EQ(rate_text(0), "0 B/s");
  EXPECT_EQ(rate_text(950), "950 B/s");
  EXPECT_EQ(rate_text(12345), "12.3 kB/s");
  EXPECT_EQ(rate_text(48e6), "48.0 MB/s");
  EXPECT_EQ(rate_text(1.5e9), "1.5 GB/s");
  EXPECT_EQ(duration_text(0), "0s");
  EXPECT_EQ(duration_text(42.4), "42s");
  EXPECT_EQ(duration_text(185), "3m05s");
  EXPECT_EQ(duration_text(7620), "2h07m");
  EXPECT_EQ(size_text(999), "999 bytes");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  EXPECT_EQ(size_text(100ULL << 20), "100.0 MiB");
  EXPECT_EQ(size_text(2ULL << 30), "2.0 GiB");
  EXPECT_EQ(percent_text(0, 100), "0%");
  EXPECT_EQ(percent_text(455, 1000), "45%");
  EXPECT_EQ(percent_text(999, 1000), "99%");  // never 100% before it is done
  EXPECT_EQ(percent_text(1000, 1000), "100%");
  EXPECT_EQ(percent_text(0, 0), "100%");
  EXPECT_EQ(percent_text(1ULL << 62, 1ULL << 63), "50%");  // no overflow
}

TEST(ClientProgress, RunningTransferLine) {
  EXPECT_EQ(running_transfer_line("big.bin", 47185920, 104857600, 12300000, 2, 3),
            "  big.bin  45% of 100.0 MiB  12.3 MB/s  ETA 5s  2 of 3 sources");
  EXPECT_EQ(running_transfer_line("x", 0, 4096, 0, 0, 1),
            "  x  0% of 4.0 KiB  0 B/s  ETA --  0 of 1 source");
}

}  // namespace
}  // namespace peerlink
