// Tests for download block bookkeeping: geometry, done bits and their hex form, and the queue that
// hands blocks to several sources.
#include "peer_client/fetch/range_blocks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Takes a unit for `taker`, claims it and marks it written at once.
bool fetch_unit(BlockQueue* q, int taker, FetchUnit* u) {
  if (q->take(taker, u) != BlockQueue::Take::kUnit) return false;
  return q->claim(taker, *u) && (q->written(*u), true);
}

TEST(BlockQueueTest, HandsOutMissingBlocksLowestFirst) {
  BlockMap m(5 * 10, 10);
  m.set_done(1);
  BlockQueue q(m);
  FetchUnit u;
  ASSERT_EQ(q.take(0, &u), BlockQueue::Take::kUnit);
  EXPECT_EQ(u.block, 0u);
  EXPECT_EQ(u.offset, 0u);
  EXPECT_EQ(u.length, 10u);
  EXPECT_TRUE(u.whole);
  ASSERT_EQ(q.take(0, &u), BlockQueue::Take::kUnit);
  EXPECT_EQ(u.block, 2u);
  EXPECT_EQ(q.in_flight_count(), 2u);
  EXPECT_EQ(q.missing_count(), 2u);
}

TEST(BlockQueueTest, GivenBackBlocksAreTakenAgainAndWaitMeansOthersHoldWork) {
  BlockQueue q(BlockMap(3 * 10, 10));
  FetchUnit a, b, c, d;
  ASSERT_EQ(q.take(0, &a), BlockQueue::Take::kUnit);
  ASSERT_EQ(q.take(1, &b), BlockQueue::Take::kUnit);
  ASSERT_EQ(q.take(2, &c), BlockQueue::Take::kUnit);
  // Taker 0 holds a: with nothing missing it may only duplicate b or c (the endgame).
  ASSERT_EQ(q.take(0, &d), BlockQueue::Take::kUnit);
  EXPECT_NE(d.block, a.block);
  q.give_back(0, d);  // the copy goes; its first holder still has it, so it is not missing
  EXPECT_EQ(q.missing_count(), 0u);
  q.give_back(1, b);
  EXPECT_EQ(q.missing_count(), 1u);
  ASSERT_EQ(q.take(3, &d), BlockQueue::Take::kUnit);
  EXPECT_EQ(d.block, b.block);
  ASSERT_TRUE(q.claim(0, a));
  EXPECT_TRUE(q.written(a));
  ASSERT_TRUE(q.claim(2, c));
  EXPECT_TRUE(q.written(c));
  ASSERT_TRUE(q.claim(3, d));
  EXPECT_EQ(q.take(4, &d), BlockQueue::Take::kWait) << "claimed, not yet written: not duplicated";
  EXPECT_TRUE(q.written(d));
  EXPECT_EQ(q.take(4, &d), BlockQueue::Take::kFinished);
  EXPECT_TRUE(q.map().complete());
}

TEST(BlockQueueTest, IgnoresClaimsAndReturnsOfUnitsNotHeld) {
  BlockQueue q(BlockMap(2 * 10, 10));
  const FetchUnit stray{0, 0, 10, true};
  EXPECT_FALSE(q.claim(0, stray));
  EXPECT_FALSE(q.written(stray));
  q.give_back(0, stray);
  EXPECT_EQ(q.map().done_count(), 0u);
  EXPECT_EQ(q.missing_count(), 2u);
  EXPECT_EQ(q.in_flight_count(), 0u);
  FetchUnit u;
  ASSERT_EQ(q.take(0, &u), BlockQueue::Take::kUnit);
  EXPECT_FALSE(q.claim(1, u)) << "only a holder may claim";
}

TEST(BlockQueueTest, AnEmptyOrCompleteFileIsFinishedAtOnce) {
  FetchUnit u;
  BlockQueue empty(BlockMap(0, 10));
  EXPECT_EQ(empty.take(0, &u), BlockQueue::Take::kFinished);
  BlockMap all(20, 10);
  all.set_done(0);
  all.set_done(1);
  BlockQueue done(all);
  EXPECT_EQ(done.take(0, &u), BlockQueue::Take::kFinished);
}

TEST(BlockQueueTest, ADuplicateAnsweredTwiceIsWrittenOnce) {
  BlockQueue q(BlockMap(10, 10));
  FetchUnit first, second;
  ASSERT_EQ(q.take(0, &first), BlockQueue::Take::kUnit);
  ASSERT_EQ(q.take(1, &second), BlockQueue::Take::kUnit) << "the endgame duplicates it";
  EXPECT_EQ(second.offset, first.offset);
  EXPECT_EQ(second.length, first.length);
  EXPECT_EQ(q.take(0, &second), BlockQueue::Take::kWait) << "never twice to the same source";
  ASSERT_TRUE(q.claim(1, second)) << "the first with all the bytes wins";
  EXPECT_FALSE(q.claim(0, first)) << "the other copy is dropped, never written";
  EXPECT_TRUE(q.written(second));
  EXPECT_FALSE(q.written(first));
  EXPECT_TRUE(q.map().complete());
  EXPECT_EQ(q.map().done_bytes(), 10u);
}

TEST(BlockQueueTest, AHolderThatFailsAfterADuplicateLeavesTheOtherCopy) {
  BlockQueue q(BlockMap(10, 10));
  FetchUnit a, b;
  ASSERT_EQ(q.take(0, &a), BlockQueue::Take::kUnit);
  ASSERT_EQ(q.take(1, &b), BlockQueue::Take::kUnit);
  q.give_back(0, a);  // the stalled source is given up on
  EXPECT_EQ(q.missing_count(), 0u);
  ASSERT_TRUE(q.claim(1, b));
  EXPECT_TRUE(q.written(b));
  EXPECT_TRUE(q.map().complete());
}

TEST(BlockQueueTest, TheLastBlocksGoOutInPiecesAndCompleteTheirBlock) {
  // 4 blocks of 10 bytes, the last 2 in pieces of 4 (4 + 4 + 2).
  BlockQueue q(BlockMap(4 * 10, 10), /*tail_blocks=*/2, /*piece_bytes=*/4);
  FetchUnit u;
  ASSERT_TRUE(fetch_unit(&q, 0, &u));
  EXPECT_TRUE(u.whole);
  EXPECT_EQ(u.block, 0u);
  ASSERT_TRUE(fetch_unit(&q, 0, &u));
  EXPECT_TRUE(u.whole);
  EXPECT_EQ(u.block, 1u);
  std::vector<FetchUnit> pieces;
  while (q.take(0, &u) == BlockQueue::Take::kUnit && !q.map().complete()) {
    if (std::find_if(pieces.begin(), pieces.end(),
                     [&](const FetchUnit& p) { return p.offset == u.offset; }) != pieces.end())
      break;
    pieces.push_back(u);
  }
  ASSERT_EQ(pieces.size(), 6u);
  const uint64_t offsets[] = {20, 24, 28, 30, 34, 38};
  const uint64_t lengths[] = {4, 4, 2, 4, 4, 2};
  for (size_t i = 0; i < pieces.size(); ++i) {
    EXPECT_FALSE(pieces[i].whole);
    EXPECT_EQ(pieces[i].block, i < 3 ? 2u : 3u);
    EXPECT_EQ(pieces[i].offset, offsets[i]);
    EXPECT_EQ(pieces[i].length, lengths[i]);
  }
  for (size_t i = 0; i < pieces.size(); ++i) {
    ASSERT_TRUE(q.claim(0, pieces[i]));
    EXPECT_EQ(q.written(pieces[i]), i == 2 || i == 5) << "a block is done with its last piece";
  }
  EXPECT_TRUE(q.map().complete());
  // A piece given back is taken again on its own.
  BlockQueue r(BlockMap(10, 10), 1, 4);
  ASSERT_EQ(r.take(0, &u), BlockQueue::Take::kUnit);
  EXPECT_EQ(u.length, 4u);
  r.give_back(0, u);
  ASSERT_EQ(r.take(1, &u), BlockQueue::Take::kUnit);
  EXPECT_EQ(u.offset, 0u);
  EXPECT_EQ(u.length, 4u);
}

}  // namespace
}  // namespace peerlink::peer_client
