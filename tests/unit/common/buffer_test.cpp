// Unit tests of the byte buffer: append/peek/consume, the bound check, when it compacts, and the
// memory it holds over a long stream.
#include "common/base/buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>

namespace peerlink {
namespace {

TEST(Buffer, AppendPeekConsume) {
  Buffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), 0u);
  b.append("hello ");
  b.append(std::string("wor\0ld", 6));
  EXPECT_EQ(b.size(), 12u);
  EXPECT_EQ(b.peek(), std::string("hello wor\0ld", 12));
  b.consume(6);
  EXPECT_EQ(b.peek(), std::string("wor\0ld", 6));
  EXPECT_EQ(std::string(b.data(), b.size()), std::string("wor\0ld", 6));
  b.consume(0);
  EXPECT_EQ(b.size(), 6u);
  b.consume(6);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.peek(), "");
}

TEST(Buffer, EmptyingDropsTheReadBytes) {
  Buffer b;
  b.append("abcdef");
  b.consume(6);
  EXPECT_EQ(b.held(), 0u);  // nothing unread: nothing kept
  b.append("xy");
  EXPECT_EQ(b.held(), 2u);
  EXPECT_EQ(b.peek(), "xy");
}

TEST(Buffer, FitsChecksTheUnreadPartAgainstTheLimit) {
  Buffer b;
  EXPECT_TRUE(b.fits(10, 10));
  EXPECT_FALSE(b.fits(11, 10));
  b.append("1234567");
  EXPECT_TRUE(b.fits(3, 10));
  EXPECT_FALSE(b.fits(4, 10));
  EXPECT_FALSE(b.fits(std::numeric_limits<size_t>::max(), 10));  // no wrap-around
  b.consume(5);                                                  // read bytes do not count
  EXPECT_TRUE(b.fits(8, 10));
  EXPECT_FALSE(b.fits(9, 10));
  EXPECT_FALSE(b.fits(0, 1));  // already over a smaller limit
}

TEST(Buffer, CompactsOnlyWhenTheReadPrefixIsAtLeastTheUnreadPart) {
  Buffer b;
  b.append(std::string(100, 'a'));
  b.consume(40);  // 40 read, 60 unread: moving 60 to free 40 does not pay
  b.append("b");
  EXPECT_EQ(b.held(), 101u);
  EXPECT_EQ(b.size(), 61u);
  b.consume(21);  // 61 read, 40 unread: it pays
  b.append("c");
  EXPECT_EQ(b.held(), 41u);
  EXPECT_EQ(b.peek(), std::string(39, 'a') + "bc");
}

TEST(Buffer, CompactOnDemandMovesTheUnreadBytesToTheFront) {
  Buffer b;
  b.append("0123456789");
  b.consume(2);
  b.compact();
  EXPECT_EQ(b.held(), 8u);
  EXPECT_EQ(b.peek(), "23456789");
  b.compact();  // nothing read: nothing to do
  EXPECT_EQ(b.peek(), "23456789");
}

TEST(Buffer, HighWaterIsTheLargestHeld) {
  Buffer b;
  EXPECT_EQ(b.high_water(), 0u);
  b.append(std::string(300, 'x'));
  b.consume(300);
  b.append(std::string(10, 'y'));
  EXPECT_EQ(b.held(), 10u);
  EXPECT_EQ(b.high_water(), 300u);
}

TEST(Buffer, ReleaseGivesBackABurstOnlyWhenEmpty) {
  Buffer b;
  b.append(std::string(1 << 20, 'x'));
  b.consume((1 << 20) - 1);
  b.release_if_over(1024);  // one byte still unread: kept
  EXPECT_EQ(b.peek(), "x");
  b.consume(1);
  b.release_if_over(1024);
  EXPECT_TRUE(b.empty());
  b.append("again");
  EXPECT_EQ(b.peek(), "again");
}

// A stream passing through in reads that never line up with what the reader takes: the memory
// held stays within a small multiple of what is unread, and every byte comes out in order.
TEST(Buffer, MemoryStaysBoundedOverALongStream) {
  Buffer b;
  constexpr size_t kRead = 1000, kTake = 333, kTotal = 10 * 1000 * 1000;
  std::string chunk(kRead, '\0');
  size_t produced = 0, taken = 0, max_unread = 0;
  while (taken < kTotal) {
    if (produced < kTotal) {
      for (size_t i = 0; i < kRead; ++i) chunk[i] = static_cast<char>((produced + i) % 251);
      b.append(chunk);
      produced += kRead;
    }
    max_unread = std::max(max_unread, b.size());
    while (b.size() >= kTake || (produced == kTotal && !b.empty())) {
      const size_t n = std::min(kTake, b.size());
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(b.peek()[i], static_cast<char>((taken + i) % 251)) << taken + i;
      }
      b.consume(n);
      taken += n;
    }
  }
  EXPECT_EQ(taken, kTotal);
  EXPECT_TRUE(b.empty());
  EXPECT_LE(b.high_water(), 2 * max_unread + kRead) << "read bytes are kept";
}

}  // namespace
}  // namespace peerlink
