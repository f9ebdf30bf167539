// Tests for parsing the broker's OWNER lines into download sources.
#include "common/handoff/fetch_sources.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

const std::string kSha(64, 'a');
const std::string kOwnerKey = std::string(60, 'c') + "0123";
const std::string kTicket = "1763712000-" + std::string(64, '5');
// The owner key and the ticket, as every line below ends.
const std::string kKeyTicket = kOwnerKey + " " + kTicket;

TEST(FetchSourcesTest, ParsesAnOwnerLineAsTheBrokerWritesIt) {
  const Expected<FetchSource> parsed = parse_owner_line(
      "OWNER alice 127.0.0.1 40001 my%20song.ogg 4000000 " + kSha + " " + kKeyTicket);
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const FetchSource& s = *parsed;
  EXPECT_EQ(s.owner, "alice");
  EXPECT_EQ(s.ip, "127.0.0.1");
  EXPECT_EQ(s.port, 40001);
  EXPECT_EQ(s.file, "my song.ogg");
  EXPECT_EQ(s.size, 4000000u);
  EXPECT_EQ(s.sha256, kSha);
  EXPECT_EQ(s.key, kOwnerKey);
  EXPECT_EQ(s.ticket, kTicket);
}

TEST(FetchSourcesTest, FormatsTheLineItParses) {
  FetchSource s;
  s.owner = "alice";
  s.ip = "10.0.0.7";
  s.port = 40001;
  s.file = "my song.ogg";
  s.size = 12;
  s.sha256 = kSha;
  s.key = kOwnerKey;
  s.ticket = kTicket;
  const std::string line = format_owner_line(s);
  EXPECT_EQ(line, "OWNER alice 10.0.0.7 40001 my%20song.ogg 12 " + kSha + " " + kKeyTicket);
  const Expected<FetchSource> back = parse_owner_line(line);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->owner, s.owner);
  EXPECT_EQ(back->file, s.file);
  EXPECT_EQ(back->key, s.key);
  EXPECT_EQ(back->ticket, s.ticket);
}

TEST(FetchSourcesTest, ASourceWithoutAVouchedKeyIsRefused) {
  // Its file server could not be checked: downloading from it would trust whoever answers.
  const std::string head = "OWNER alice 127.0.0.1 1 x 1 " + kSha + " ";
  EXPECT_EQ(parse_owner_line(head + "- " + kTicket).message(), "the owner has no vouched key");
  for (const std::string& key : {kOwnerKey.substr(1), kOwnerKey + "0", std::string(64, 'g')}) {
    EXPECT_EQ(parse_owner_line(head + key + " " + kTicket).message(), "bad owner key") << key;
  }
  const Expected<FetchSource> upper = parse_owner_line(head + std::string(64, 'C') + " t");
  ASSERT_TRUE(upper.ok()) << upper.message();
  EXPECT_EQ(upper->key, std::string(64, 'c'));  // stored as the wire writes it
}

TEST(FetchSourcesTest, AcceptsIpv6AndUpperCaseHash) {
  const Expected<FetchSource> parsed =
      parse_owner_line("OWNER bob ::1 1 x 0 " + std::string(64, 'F') + " " + kOwnerKey + " t");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  const FetchSource& s = *parsed;
  EXPECT_EQ(s.ip, "::1");
  EXPECT_EQ(s.sha256, std::string(64, 'f'));
  EXPECT_EQ(s.size, 0u);
}

TEST(FetchSourcesTest, RejectsBadFields) {
  const std::string tail = " " + kSha + " " + kKeyTicket;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"FILE alice 127.0.0.1 1 x 1" + tail, "not an OWNER line"},
      {"OWNER alice 127.0.0.1 1 x 1 " + kSha + " " + kOwnerKey, "an OWNER line has 9 fields"},
      {"OWNER alice 127.0.0.1 1 x 1 " + kSha + " " + kTicket, "an OWNER line has 9 fields"},
      {"OWNER alice 127.0.0.1 1 x 1" + tail + " extra", "an OWNER line has 9 fields"},
      {"OWNER -alice 127.0.0.1 1 x 1" + tail, "bad owner name"},
      {"OWNER alice 127.0.0.1 0 x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 65536 x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 80a x 1" + tail, "bad port"},
      {"OWNER alice 127.0.0.1 1 ..%2Fetc 1" + tail, "bad file name"},
      {"OWNER alice 127.0.0.1 1 .hidden 1" + tail, "bad file name"},
      {"OWNER alice 127.0.0.1 1 x -1" + tail, "bad size"},
      {"OWNER alice 127.0.0.1 1 x 99999999999999999999999" + tail, "bad size"},
      {"OWNER alice 127.0.0.1 1 x 1 abc " + kKeyTicket, "bad sha256"},
      {"OWNER alice 127.0.0.1 1 x 1 " + std::string(64, 'g') + " " + kKeyTicket, "bad sha256"},
      {"OWNER alice 127.0.0.1 1 x%zz 1" + tail, "bad escape"},
      {"OWNER alice %- 1 x 1" + tail, "bad address"},
      {"OWNER alice 127.0.0.1 1 x 1 " + kSha + " " + kOwnerKey + " %-", "bad ticket"},
  };
  for (const auto& [line, why] : cases) {
    const Expected<FetchSource> s = parse_owner_line(line);
    EXPECT_FALSE(s.ok()) << line;
    EXPECT_EQ(s.message(), why) << line;
  }
}

TEST(FetchSourcesTest, ParsesSeveralLinesAndReportsTheBadOnes) {
  const std::string text = "OWNER alice 10.0.0.1 40001 a.txt 3 " + kSha + " " + kKeyTicket +
                           "\r\n\n   \nOWNER broken\nOWNER bob 10.0.0.2 40002 a.txt 3 " + kSha +
                           " " + kKeyTicket;
  std::vector<std::string> errors;
  const std::vector<FetchSource> s = parse_fetch_sources(text, &errors);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].owner, "alice");
  EXPECT_EQ(s[1].owner, "bob");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "line 4: an OWNER line has 9 fields");
  EXPECT_TRUE(parse_fetch_sources("", nullptr).empty());
}

}  // namespace
}  // namespace peerlink
