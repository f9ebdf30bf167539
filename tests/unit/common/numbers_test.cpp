// Unit tests of strict decimal parsing (common/base/numbers.h).
#include "common/base/numbers.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace peerlink {
namespace {

TEST(ParseDecimal, TakesWholeDecimalNumbersOnly) {
  uint64_t v = 7;
  EXPECT_TRUE(parse_u64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_u64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  for (const char* bad : {"", " 1", "1 ", "+1", "-1", "1x", "0x10", "18446744073709551616"}) {
    v = 7;
    EXPECT_FALSE(parse_u64(bad, &v)) << bad;
    EXPECT_EQ(v, 7u) << "unchanged on failure: " << bad;
  }
}

TEST(ParseDecimal, RangeAndSign) {
  int n = 0;
  EXPECT_TRUE(parse_decimal<int>("86400", &n, 1, 86400));
  EXPECT_FALSE(parse_decimal<int>("86401", &n, 1, 86400));
  EXPECT_FALSE(parse_decimal<int>("0", &n, 1, 86400));
  EXPECT_FALSE(parse_decimal<int>("-0", &n, 0, 10));  // no sign where negatives are not allowed
  int64_t t = 0;
  EXPECT_TRUE(parse_decimal<int64_t>("-5", &t));  // signed, full range: a minus is fine
  EXPECT_EQ(t, -5);
  uint16_t port = 0;
  EXPECT_TRUE(parse_decimal("65535", &port));
  EXPECT_FALSE(parse_decimal("65536", &port));
}

}  // namespace
}  // namespace peerlink
