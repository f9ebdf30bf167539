// Tests for the written blocks a download's hasher takes from memory.
#include "peer_client/fetch/hash_feed.h"

#include <gtest/gtest.h>

#include <string>

namespace peerlink::peer_client {
namespace {

TEST(HashFeedTest, KeepsOfferedBlocksUntilTakenAndHandsBackSpares) {
  HashFeed feed(2);
  std::string bytes = "block zero";
  feed.offer(0, &bytes);
  EXPECT_TRUE(bytes.empty()) << "kept: the caller gets another buffer";
  std::string got;
  ASSERT_TRUE(feed.take(0, &got));
  EXPECT_EQ(got, "block zero");
  EXPECT_FALSE(feed.take(0, &got)) << "taken once";
  got.reserve(64);
  feed.hashed_through(1, std::move(got));
  bytes = "block one";
  feed.offer(1, &bytes);
  EXPECT_GE(bytes.capacity(), 64u) << "the spare the hasher gave back";
}

TEST(HashFeedTest, HoldsAtMostItsLimitAndNothingTheHasherHasPassed) {
  HashFeed feed(2);
  for (size_t b : {3u, 4u, 5u}) {
    std::string bytes(8, static_cast<char>('a' + b));
    feed.offer(b, &bytes);
    EXPECT_EQ(bytes.empty(), b != 5) << "block " << b;
  }
  EXPECT_EQ(feed.held(), 2u);
  std::string got;
  EXPECT_FALSE(feed.take(5, &got)) << "over the limit: the hasher reads it from the .part";
  feed.hashed_through(4, {});
  EXPECT_EQ(feed.held(), 1u) << "block 3 is behind the hasher: dropped";
  std::string late = "late";
  feed.offer(2, &late);
  EXPECT_EQ(late, "late") << "refused: already hashed from the .part";
  ASSERT_TRUE(feed.take(4, &got));
  EXPECT_EQ(got, std::string(8, 'e'));
}

}  // namespace
}  // namespace peerlink::peer_client
