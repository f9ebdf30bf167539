// Unit tests of the transfer frame payloads: OFFER, id-only frames, DATA and CANCEL.
#include "common/wire/transfer_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "common/wire/frame.h"

namespace peerlink {
namespace {

Offer sample_offer() {
  Offer o;
  o.id = 0x01020304;
  o.size = 0x0102030405060708ull;
  o.sha256 = std::string(32, '\xab');
  o.name = "report final.pdf";
  return o;
}

TEST(OfferCodec, LayoutIsIdSizeHashName) {
  const std::string p = encode_offer(sample_offer());
  ASSERT_EQ(p.size(), 4u + 8u + 32u + 16u);
  EXPECT_EQ(p.substr(0, 4), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(p.substr(4, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(p.substr(12, 32), std::string(32, '\xab'));
  EXPECT_EQ(p.substr(44), "report final.pdf");
}

TEST(OfferCodec, RoundTrip) {
  Offer out;
  ASSERT_TRUE(decode_offer(encode_offer(sample_offer()), &out));
  EXPECT_EQ(out.id, 0x01020304u);
  EXPECT_EQ(out.size, 0x0102030405060708ull);
  EXPECT_EQ(out.sha256, std::string(32, '\xab'));
  EXPECT_EQ(out.name, "report final.pdf");
}

TEST(OfferCodec, NamesAreKeptAsSentForTheCallerToSanitize) {
  Offer o = sample_offer();
  o.name = std::string("../..\0/x\x1b", 9);
  Offer out;
  ASSERT_TRUE(decode_offer(encode_offer(o), &out));
  EXPECT_EQ(out.name, o.name);
}

TEST(OfferCodec, RejectsShortPayloadsAndBadNames) {
  const std::string good = encode_offer(sample_offer());
  Offer out;
  for (size_t len = 0; len <= 44; ++len)
    EXPECT_FALSE(decode_offer(good.substr(0, len), &out)) << len;
  EXPECT_TRUE(decode_offer(good.substr(0, 45), &out));  // a one-byte name is fine
  Offer o = sample_offer();
  o.name = std::string(kMaxOfferedNameBytes, 'n');
  EXPECT_TRUE(decode_offer(encode_offer(o), &out));
  o.name.push_back('n');
  EXPECT_FALSE(decode_offer(encode_offer(o), &out));
}

TEST(TransferIdCodec, ExactlyFourBytes) {
  EXPECT_EQ(encode_transfer_id(7), std::string("\0\0\0\x07", 4));
  uint32_t id = 0;
  ASSERT_TRUE(decode_transfer_id(encode_transfer_id(0xfffffffe), &id));
  EXPECT_EQ(id, 0xfffffffeu);
  EXPECT_FALSE(decode_transfer_id("", &id));
  EXPECT_FALSE(decode_transfer_id(std::string("\0\0\0", 3), &id));
  EXPECT_FALSE(decode_transfer_id(std::string("\0\0\0\0\0", 5), &id));
}

TEST(DataCodec, PrefixMakesAWholeFrame) {
  const std::string bytes = "file bytes";
  unsigned char prefix[kDataPrefixBytes];
  encode_data_prefix(9, static_cast<uint32_t>(bytes.size()), prefix);
  const std::string frame = std::string(reinterpret_cast<char*>(prefix), sizeof prefix) + bytes;
  EXPECT_EQ(frame, encode_frame(wire::kData, encode_transfer_id(9) + bytes));

  FrameDecoder dec;
  dec.append(frame.data(), frame.size());
  Frame f;
  ASSERT_EQ(dec.next(&f), FrameDecoder::Result::kFrame);
  uint32_t id = 0;
  std::string_view got;
  ASSERT_TRUE(decode_data(f.payload, &id, &got));
  EXPECT_EQ(id, 9u);
  EXPECT_EQ(got, bytes);
}

TEST(DataCodec, Bounds) {
  uint32_t id = 0;
  std::string_view got;
  EXPECT_FALSE(decode_data("abc", &id, &got));
  ASSERT_TRUE(decode_data(encode_transfer_id(1), &id, &got));  // no bytes: legal, if useless
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE(decode_data(encode_transfer_id(1) + std::string(wire::kChunkBytes, 'x'), &id, &got));
  EXPECT_FALSE(
      decode_data(encode_transfer_id(1) + std::string(wire::kChunkBytes + 1, 'x'), &id, &got));
}

TEST(CancelCodec, RoundTripAndShortPayload) {
  uint32_t id = 0;
  std::string reason;
  ASSERT_TRUE(decode_cancel(encode_cancel(5, "disk full"), &id, &reason));
  EXPECT_EQ(id, 5u);
  EXPECT_EQ(reason, "disk full");
  ASSERT_TRUE(decode_cancel(encode_cancel(6, ""), &id, &reason));
  EXPECT_EQ(reason, "");
  EXPECT_FALSE(decode_cancel("ab", &id, &reason));
}

}  // namespace
}  // namespace peerlink
