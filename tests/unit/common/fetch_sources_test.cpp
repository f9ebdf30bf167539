// Tests for parsing the broker's OWNER lines into download sources.
#include "common/handoff/fetch_sources.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

const std::string kSha(64, 'a');
const std::string kTicket = "1763712000-" + std::string(64, '5');

TEST(FetchSourcesTest, ParsesAnOwnerLineAsTheBrokerWritesIt) {
  const Expected<FetchSource> parsed =
      parse_owner_line("OWNER alice 127.0.0.1 40001 my%20song.ogg 4000000 " + kSha + " " + kTicket);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const FetchSource& s = *parsed;
  EXPECT_EQ(s.owner, "alice");
  EXPECT_EQ(s.ip, "127.0.0.1");
  EXPECT_EQ(s.port, 40001);
  EXPECT_EQ(s.file, "my song.ogg");
  EXPECT_EQ(s.size, 4000000u);
  EXPECT_EQ(s.sha256, kSha);
  EXPECT_EQ(s.ticket, kTicket);
}

TEST(FetchSourcesTest, AcceptsIpv6AndUpperCaseHash) {
  const Expected<FetchSource> parsed =
      parse_owner_line("OWNER bob ::1 1 x 0 " + std::string(64, 'F') + " t");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const FetchSource& s = *parsed;
  EXPECT_EQ(s.ip, "::1");
  EXPECT_EQ(s.sha256, std::string(64, 'f'));
  EXPECT_EQ(s.size, 0u);
}

TEST(FetchSourcesTest, RejectsBadFields) {
  const std::string tail = " " + kSha + " " + kTicket;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"FILE alice 127.0.0.1 1 x 1" + tail, "not an OWNER line"},
      {"OWNER alice 127.0.0.1 1 x 1 " + kSha, "an OWNER line has 8 fields"},
      {"OWNER alice 127.0.0.1 1 x 1" + tail + " extra", "an OWNER line has 8 fields"},
      {"OWNER -alice 127.0.0.1 1 x 1" + tail, "bad owner name"},
      {"OWNER alice 127.0.0.1 0 x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 65536 x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 80a x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 1 ..%2Fetc 1" + tail, "bad file name"},
      {"OWNER alice 127.0.0.1 1 .hidden 1" + tail, "bad file name"},
      {"OWNER alice 127.0.0.1 1 x -1" + tail, "bad size"},
      {"OWNER alice 127.0.0.1 1 x 99999999999999999999999" + tail, "bad size"},
      {"OWNER alice 127.0.0.1 1 x 1 abc " + kTicket, "bad sha256"},
      {"OWNER alice 127.0.0.1 1 x 1 " + std::string(64, 'g') + " " + kTicket, "bad sha256"},
      {"OWNER alice 127.0.0.1 1 x%zz 1" + tail, "bad escape"},
      {"OWNER alice %- 1 x 1" + tail, "bad address"},
      {"OWNER alice 127.0.0.1 1 x 1 " + kSha + " %-", "bad ticket"},
  };
  for (const auto& [line, why] : cases) {
    const Expected<FetchSource> s = parse_owner_line(line);
    EXPECT_FALSE(s.ok()) << line;
    EXPECT_EQ(s.message(), why) << line;
  }
}

TEST(FetchSourcesTest, ParsesSeveralLinesAndReportsTheBadOnes) {
  const std::string text = "OWNER alice 10.0.0.1 40001 a.txt 3 " + kSha + " " + kTicket +
                           "\r\n\n   \nOWNER broken\nOWNER bob 10.0.0.2 40002 a.txt 3 " + kSha +
                           " " + kTicket;
  std::vector<std::string> errors;
  const std::vector<FetchSource> s = parse_fetch_sources(text, &errors);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].owner, "alice");
  EXPECT_EQ(s[1].owner, "bob");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "line 4: an OWNER line has 8 fields");
  EXPECT_TRUE(parse_fetch_sources("", nullptr).empty());
}

}  // namespace
}  // namespace peerlink
