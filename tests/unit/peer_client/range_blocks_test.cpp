// Tests for download block bookkeeping: geometry, done bits and their hex form, and the queue that
// hands blocks to several sources.
#include "peer_client/fetch/range_blocks.h"

#include <string>

#include <gtest/gtest.h>

namespace peerlink::peer_client {
namespace {

TEST(BlockMapTest, GeometryCoversTheFileExactly) {
  const BlockMap empty(0, 1024);
  EXPECT_EQ(empty.count(), 0u);
  EXPECT_TRUE(empty.complete());

  const BlockMap exact(4096, 1024);
  EXPECT_EQ(exact.count(), 4u);
  EXPECT_EQ(exact.length(3), 1024u);

  const BlockMap ragged(4097, 1024);
  ASSERT_EQ(ragged.count(), 5u);
  EXPECT_EQ(ragged.offset(4), 4096u);
  EXPECT_EQ(ragged.length(4), 1u);

  const BlockMap tiny(1, kFetchBlockBytes);
  EXPECT_EQ(tiny.count(), 1u);
  EXPECT_EQ(tiny.length(0), 1u);
}

TEST(BlockMapTest, CountsDoneBlocksAndBytesOnce) {
  BlockMap m(2500, 1000);
  m.set_done(2);
  m.set_done(2);
  EXPECT_EQ(m.done_count(), 1u);
  EXPECT_EQ(m.done_bytes(), 500u);
  m.set_done(0);
  m.set_done(1);
  EXPECT_TRUE(m.complete());
  EXPECT_EQ(m.done_bytes(), 2500u);
}

TEST(BlockMapTest, DonePrefixGrowsOnlyThroughContiguousBlocks) {
  BlockMap m(2500, 1000);
  EXPECT_EQ(m.done_prefix_bytes(), 0u);
  m.set_done(1);
  EXPECT_EQ(m.done_prefix_bytes(), 0u);
  m.set_done(0);
  EXPECT_EQ(m.done_prefix_bytes(), 2000u);
  m.set_done(2);
  EXPECT_EQ(m.done_prefix_bytes(), 2500u) << "the short last block counts its own length";
  EXPECT_EQ(BlockMap(0, 1000).done_prefix_bytes(), 0u);
  BlockMap back(2500, 1000);
  ASSERT_TRUE(back.from_hex("c0"));
  EXPECT_EQ(back.done_prefix_bytes(), 2000u);
}

TEST(BlockMapTest, HexRoundTripsMostSignificantBitFirst) {
  BlockMap m(10 * 100, 100);
  m.set_done(0);
  m.set_done(9);
  EXPECT_EQ(m.to_hex(), "8040");
  BlockMap back(10 * 100, 100);
  ASSERT_TRUE(back.from_hex("8040"));
  EXPECT_TRUE(back.done(0));
  EXPECT_FALSE(back.done(1));
  EXPECT_TRUE(back.done(9));
  EXPECT_EQ(back.done_bytes(), 200u);
  EXPECT_EQ(BlockMap(0, 100).to_hex(), "-");
  BlockMap none(0, 100);
  EXPECT_TRUE(none.from_hex("-"));
  EXPECT_FALSE(none.from_hex("00"));
}

TEST(BlockMapTest, HexWithWrongLengthOrPaddingBitsIsRefused) {
  BlockMap m(10 * 100, 100);
  m.set_done(3);
  EXPECT_FALSE(m.from_hex("80"));      // one byte short
  EXPECT_FALSE(m.from_hex("804000"));  // one byte long
  EXPECT_FALSE(m.from_hex("8020"));    // bit 10 is past the last block
  EXPECT_FALSE(m.from_hex("80zz"));
  EXPECT_FALSE(m.from_hex("-"));
  EXPECT_TRUE(m.done(3)) << "a refused bitmap leaves the map unchanged";
  EXPECT_EQ(m.done_count(), 1u);
}

TEST(BlockQueueTest, HandsOutMissingBlocksLowestFirst) {
  BlockMap m(5 * 10, 10);
  m.set_done(1);
  BlockQueue q(m);
  size_t b = 99;
  ASSERT_EQ(q.take(&b), BlockQueue::Take::kBlock);
  EXPECT_EQ(b, 0u);
  ASSERT_EQ(q.take(&b), BlockQueue::Take::kBlock);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(q.in_flight_count(), 2u);
  EXPECT_EQ(q.missing_count(), 2u);
}

TEST(BlockQueueTest, GivenBackBlocksAreTakenAgainAndWaitMeansOthersHoldWork) {
  BlockQueue q(BlockMap(3 * 10, 10));
  size_t a = 0, b = 0, c = 0, d = 0;
  ASSERT_EQ(q.take(&a), BlockQueue::Take::kBlock);
  ASSERT_EQ(q.take(&b), BlockQueue::Take::kBlock);
  ASSERT_EQ(q.take(&c), BlockQueue::Take::kBlock);
  EXPECT_EQ(q.take(&d), BlockQueue::Take::kWait);
  q.give_back(b);
  ASSERT_EQ(q.take(&d), BlockQueue::Take::kBlock);
  EXPECT_EQ(d, b);
  q.complete(a);
  q.complete(c);
  EXPECT_EQ(q.take(&d), BlockQueue::Take::kWait);
  q.complete(b);
  EXPECT_EQ(q.take(&d), BlockQueue::Take::kFinished);
  EXPECT_TRUE(q.map().complete());
}

TEST(BlockQueueTest, IgnoresCompletionsAndReturnsOfBlocksNotInFlight) {
  BlockQueue q(BlockMap(2 * 10, 10));
  q.complete(0);
  q.give_back(1);
  EXPECT_EQ(q.map().done_count(), 0u);
  EXPECT_EQ(q.missing_count(), 2u);
  EXPECT_EQ(q.in_flight_count(), 0u);
}

TEST(BlockQueueTest, AnEmptyOrCompleteFileIsFinishedAtOnce) {
  size_t b = 0;
  BlockQueue empty(BlockMap(0, 10));
  EXPECT_EQ(empty.take(&b), BlockQueue::Take::kFinished);
  BlockMap all(20, 10);
  all.set_done(0);
  all.set_done(1);
  BlockQueue done(all);
  EXPECT_EQ(done.take(&b), BlockQueue::Take::kFinished);
}

}  // namespace
}  // namespace peerlink::peer_client
