// Tests for the serve-mode payloads: GET, RANGE, DATA prefix and DONE, including hostile input.
#include "common/wire/fetch_frames.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "common/base/bytes.h"

namespace peerlink {
namespace {

GetRequest sample_get() {
  GetRequest g;
  g.id = 7;
  g.offset = (uint64_t{1} << 40) + 3;
  g.length = 1 << 20;
  g.requester = "dave";
  g.file = "my song.ogg";
  g.ticket = "1763712000-" + std::string(64, 'e');
  return g;
}

TEST(FetchFramesTest, GetRoundTrips) {
  const GetRequest g = sample_get();
  GetRequest out;
  ASSERT_TRUE(decode_get_request(encode_get_request(g), &out));
  EXPECT_EQ(out.id, g.id);
  EXPECT_EQ(out.offset, g.offset);
  EXPECT_EQ(out.length, g.length);
  EXPECT_EQ(out.requester, g.requester);
  EXPECT_EQ(out.file, g.file);
  EXPECT_EQ(out.ticket, g.ticket);
}

TEST(FetchFramesTest, GetLayoutIsBigEndianThenText) {
  GetRequest g;
  g.id = 0x01020304;
  g.offset = 5;
  g.length = 6;
  g.requester = "a";
  g.file = "b";
  g.ticket = "c";
  const std::string p = encode_get_request(g);
  ASSERT_EQ(p.size(), 4u + 8 + 8 + 5);
  EXPECT_EQ(p.substr(0, 4), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(p[11], '\x05');
  EXPECT_EQ(p[19], '\x06');
  EXPECT_EQ(p.substr(20), "a\nb\nc");
}

TEST(FetchFramesTest, GetKeepsEmptyFieldsForTheServerToJudge) {
  GetRequest g;
  std::string p = encode_get_request(g);
  GetRequest out;
  ASSERT_TRUE(decode_get_request(p, &out));
  EXPECT_EQ(out.requester, "");
  EXPECT_EQ(out.file, "");
  EXPECT_EQ(out.ticket, "");
}

TEST(FetchFramesTest, GetRejectsMalformedPayloads) {
  const std::string good = encode_get_request(sample_get());
  GetRequest out;
  for (size_t n = 0; n < 20; ++n) EXPECT_FALSE(decode_get_request(good.substr(0, n), &out)) << n;
  std::string fixed = good.substr(0, 20);
  EXPECT_FALSE(decode_get_request(fixed + "dave", &out));              // no separators
  EXPECT_FALSE(decode_get_request(fixed + "dave\nfile", &out));        // one separator
  EXPECT_FALSE(decode_get_request(fixed + "dave\nfile\nt\nx", &out));  // three
  EXPECT_FALSE(decode_get_request(fixed + "a\nb\n" + std::string(kMaxGetPayload, 't'), &out));
}

TEST(FetchFramesTest, RangeRoundTripsAndChecksItsLength) {
  const RangeReply r{9, 1000, 200, 800};
  const std::string p = encode_range_reply(r);
  ASSERT_EQ(p.size(), kRangeReplyBytes);
  RangeReply out;
  ASSERT_TRUE(decode_range_reply(p, &out));
  EXPECT_EQ(out.id, 9u);
  EXPECT_EQ(out.file_size, 1000u);
  EXPECT_EQ(out.offset, 200u);
  EXPECT_EQ(out.length, 800u);
  EXPECT_FALSE(decode_range_reply(p.substr(0, p.size() - 1), &out));
  EXPECT_FALSE(decode_range_reply(p + "x", &out));
  EXPECT_FALSE(decode_range_reply("", &out));
}

TEST(FetchFramesTest, RangeOutsideTheFileIsRejected) {
  RangeReply out;
  EXPECT_FALSE(decode_range_reply(encode_range_reply({1, 100, 101, 0}), &out));
  EXPECT_FALSE(decode_range_reply(encode_range_reply({1, 100, 50, 51}), &out));
  EXPECT_TRUE(decode_range_reply(encode_range_reply({1, 100, 100, 0}), &out));
  EXPECT_TRUE(decode_range_reply(encode_range_reply({1, 0, 0, 0}), &out));
}

TEST(FetchFramesTest, RangeFitsIsOverflowSafe) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_TRUE(range_fits(0, 0, 0));
  EXPECT_TRUE(range_fits(0, 10, 10));
  EXPECT_TRUE(range_fits(10, 0, 10));
  EXPECT_FALSE(range_fits(11, 0, 10));
  EXPECT_FALSE(range_fits(5, 6, 10));
  EXPECT_FALSE(range_fits(5, kMax, 10));  // offset + length would wrap to 4
  EXPECT_FALSE(range_fits(kMax, 2, kMax));
  EXPECT_TRUE(range_fits(kMax, 0, kMax));
}

TEST(FetchFramesTest, DataPrefixIsAFrameHeaderAndTheId) {
  unsigned char p[kServeDataPrefixBytes];
  encode_serve_data_prefix(0x0a0b0c0d, 65536, p);
  EXPECT_EQ(p[0], wire::kData);
  EXPECT_EQ(get_u32(p + 1), 65536u + 4);
  EXPECT_EQ(get_u32(p + 5), 0x0a0b0c0du);
}

TEST(FetchFramesTest, DoneCarriesExactlyTheId) {
  uint32_t id = 0;
  ASSERT_TRUE(decode_serve_id(encode_serve_done(42), &id));
  EXPECT_EQ(id, 42u);
  EXPECT_FALSE(decode_serve_id("abc", &id));
  EXPECT_FALSE(decode_serve_id("abcde", &id));
}

}  // namespace
}  // namespace peerlink
