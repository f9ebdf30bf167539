// Unit tests of progress arithmetic and formatting: rates, ETAs, milestones, bar and plain lines.
#include "common/term/progress.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace peerlink {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(FormatSize, UnitsAndPrecision) {
  EXPECT_EQ(format_size(0), "0 B");
  EXPECT_EQ(format_size(1023), "1023 B");
  EXPECT_EQ(format_size(1024), "1.0 KiB");
  EXPECT_EQ(format_size(1536), "1.5 KiB");
  EXPECT_EQ(format_size(52428800), "50.0 MiB");
  EXPECT_EQ(format_size(104857600 - 1), "99.9 MiB");  // rounded down, never up to "100.0"
  EXPECT_EQ(format_size(512ull << 20), "512 MiB");
  EXPECT_EQ(format_size(1288490188ull), "1.1 GiB");
  EXPECT_EQ(format_size(UINT64_MAX), "15.9 EiB");
}

TEST(FormatRate, UnitsAndPrecision) {
  EXPECT_EQ(format_rate(0), "0 B/s");
  EXPECT_EQ(format_rate(1), "1 B/s");
  EXPECT_EQ(format_rate(999), "999 B/s");
  EXPECT_EQ(format_rate(1023.9), "1023 B/s");
  EXPECT_EQ(format_rate(1024), "1.0 KiB/s");
  EXPECT_EQ(format_rate(1536), "1.5 KiB/s");
  EXPECT_EQ(format_rate(99.99 * 1024), "99.9 KiB/s");  // rounded down, never "100.0"
  EXPECT_EQ(format_rate(100 * 1024), "100 KiB/s");
  EXPECT_EQ(format_rate(12.34 * 1024 * 1024), "12.3 MiB/s");
  EXPECT_EQ(format_rate(512.0 * 1024 * 1024), "512 MiB/s");
  EXPECT_EQ(format_rate(1.25 * 1024 * 1024 * 1024), "1.2 GiB/s");
  EXPECT_EQ(format_rate(5e15), "4.4 PiB/s");
}

TEST(FormatRate, NonsenseIsZero) {
  EXPECT_EQ(format_rate(-5), "0 B/s");
  EXPECT_EQ(format_rate(std::numeric_limits<double>::infinity()), "0 B/s");
  EXPECT_EQ(format_rate(std::nan("")), "0 B/s");
}

TEST(FormatEta, MinutesAndHours) {
  EXPECT_EQ(format_eta(0), "0:00");
  EXPECT_EQ(format_eta(0.2), "0:01");  // rounded up: "0:00" only when done
  EXPECT_EQ(format_eta(7), "0:07");
  EXPECT_EQ(format_eta(59.5), "1:00");
  EXPECT_EQ(format_eta(754), "12:34");
  EXPECT_EQ(format_eta(3599), "59:59");
  EXPECT_EQ(format_eta(3600), "1:00:00");
  EXPECT_EQ(format_eta(3723), "1:02:03");
  EXPECT_EQ(format_eta(99 * 3600 + 59 * 60 + 59), "99:59:59");
}

TEST(FormatEta, UnknownIsDashes) {
  EXPECT_EQ(format_eta(-1), "--:--");
  EXPECT_EQ(format_eta(100 * 3600), "--:--");
  EXPECT_EQ(format_eta(std::numeric_limits<double>::infinity()), "--:--");
  EXPECT_EQ(format_eta(std::nan("")), "--:--");
}

TEST(PercentOf, Edges) {
  EXPECT_EQ(percent_of(0, 0), 100);
  EXPECT_EQ(percent_of(0, 10), 0);
  EXPECT_EQ(percent_of(1, 3), 33);
  EXPECT_EQ(percent_of(2, 3), 66);
  EXPECT_EQ(percent_of(99, 100), 99);
  EXPECT_EQ(percent_of(100, 100), 100);
  EXPECT_EQ(percent_of(200, 100), 100);
  const uint64_t huge = UINT64_MAX - 1;
  EXPECT_NEAR(percent_of(huge / 2, huge), 50, 1);  // no overflow in done * 100
}

TEST(ProgressMeter, RateAndEta) {
  const auto t0 = ProgressClock::now();
  ProgressMeter m(1000, t0);
  EXPECT_EQ(m.rate(0, t0), 0);
  EXPECT_EQ(m.eta_seconds(0, t0), -1);  // unknown before any time passed
  EXPECT_DOUBLE_EQ(m.rate(250, t0 + seconds(1)), 250);
  EXPECT_DOUBLE_EQ(m.eta_seconds(250, t0 + seconds(1)), 3);
  EXPECT_EQ(m.eta_seconds(1000, t0 + seconds(4)), 0);
}

TEST(ProgressMeter, MilestonesOncePerQuarter) {
  const auto t0 = ProgressClock::now();
  ProgressMeter m(100, t0);
  EXPECT_EQ(m.take_milestone(0), 0);
  EXPECT_EQ(m.take_milestone(0), -1);
  EXPECT_EQ(m.take_milestone(24), -1);
  EXPECT_EQ(m.take_milestone(25), 25);
  EXPECT_EQ(m.take_milestone(30), -1);
  EXPECT_EQ(m.take_milestone(80), 75);  // 50 was skipped over: only the highest is reported
  EXPECT_EQ(m.take_milestone(99), -1);
  EXPECT_EQ(m.take_milestone(100), -1);  // completion has its own line
}

TEST(ProgressMeter, TinyAndEmptyFilesReportOnlyTheStart) {
  const auto t0 = ProgressClock::now();
  ProgressMeter one(1, t0);
  EXPECT_EQ(one.take_milestone(0), 0);
  EXPECT_EQ(one.take_milestone(1), -1);
  ProgressMeter empty(0, t0);
  EXPECT_EQ(empty.take_milestone(0), 0);
  EXPECT_EQ(empty.take_milestone(0), -1);
}

TEST(ProgressMeter, PlainLineMatchesTheHandoffFormat) {
  const auto t0 = ProgressClock::now();
  ProgressMeter m(4u << 20, t0);
  EXPECT_EQ(m.plain_line("a.bin", 0, 0, t0), "a.bin: 0% 0 B/s ETA --:--");
  EXPECT_EQ(m.plain_line("a.bin", 25, 1u << 20, t0 + seconds(2)), "a.bin: 25% 512 KiB/s ETA 0:06");
  EXPECT_EQ(m.plain_line("a.bin", 50, 2u << 20, t0 + seconds(1)), "a.bin: 50% 2.0 MiB/s ETA 0:01");
  EXPECT_EQ(m.plain_line("a.bin", 75, 3u << 20, t0 + milliseconds(30000)),
            "a.bin: 75% 102 KiB/s ETA 0:10");
}

TEST(ProgressMeter, BarFillsWithThePercentage) {
  const auto t0 = ProgressClock::now();
  ProgressMeter m(100, t0);
  EXPECT_EQ(m.bar("f", 0, t0, 10), "f [..........]   0% 0 B/s ETA --:--");
  EXPECT_EQ(m.bar("f", 42, t0 + seconds(1), 10), "f [####......]  42% 42 B/s ETA 0:02");
  EXPECT_EQ(m.bar("f", 100, t0 + seconds(1), 10), "f [##########] 100% 100 B/s ETA 0:00");
}

}  // namespace
}  // namespace peerlink
