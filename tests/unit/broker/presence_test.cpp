// Unit tests of the directory event batches (server/presence.h).
#include "server/presence.h"

#include <gtest/gtest.h>

namespace peerlink::broker {
namespace {

TEST(PresenceBatch, JoinAndFirstSharesAreOneLineAndLaterSharesReplaceEarlier) {
  PresenceBatch p;
  p.join("alice", "127.0.0.1", 40001);
  p.shares("alice", 3);
  p.join("bob", "10.0.0.2", 40002);
  p.shares("carol", 1);
  p.shares("carol", 5);
  auto b = p.take();
  EXPECT_EQ(b.text,
            "EVENT JOIN alice 127.0.0.1 40001 3\n"
            "EVENT JOIN bob 10.0.0.2 40002\n"
            "EVENT SHARES carol 5\n");
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.take().text, "");
}

TEST(PresenceBatch, JoinThenLeaveCancelsAndOrderIsKept) {
  PresenceBatch p;
  p.join("alice", "127.0.0.1", 1);
  p.shares("alice", 2);
  p.leave("alice");
  EXPECT_TRUE(p.empty());
  p.shares("bob", 1);
  p.leave("bob");  // its SHARES is moot
  p.join("bob", "127.0.0.1", 2);
  p.busy("dave", "erin");
  EXPECT_EQ(p.take().text,
            "EVENT LEAVE bob\n"
            "EVENT JOIN bob 127.0.0.1 2\n"
            "EVENT BUSY dave erin\n");
}

TEST(PresenceBatch, UsersGetTheBatchWithoutTheirOwnLines) {
  PresenceBatch p;
  p.join("alice", "127.0.0.1", 1);
  p.join("bob", "127.0.0.1", 2);
  p.shares("alice", 4);
  p.leave("carol");
  auto b = p.take();
  EXPECT_EQ(b.for_user("alice"), "EVENT JOIN bob 127.0.0.1 2\nEVENT LEAVE carol\n");
  EXPECT_EQ(b.for_user("bob"), "EVENT JOIN alice 127.0.0.1 1 4\nEVENT LEAVE carol\n");
  EXPECT_EQ(b.for_user("zed"), b.text);
  EXPECT_EQ(b.own.count("zed"), 0u);
}

TEST(PresenceBatch, ABatchCountsItsLinesForTheSummary) {
  PresenceBatch p;
  p.join("a", "127.0.0.1", 1);
  p.join("b", "127.0.0.1", 2);
  p.shares("b", 3);  // merged: still one line
  p.leave("c");
  p.busy("d", "e");
  p.shares("f", 1);
  auto b = p.take();
  EXPECT_EQ(b.lines, 5u);
  EXPECT_EQ(b.summary(), "EVENT CHANGES 2 1 1 1\n");
}

TEST(PresenceBatch, NamesAreFieldEncoded) {
  PresenceBatch p;
  p.busy("a", "b c");
  EXPECT_EQ(p.take().text, "EVENT BUSY a b%20c\n");
}

}  // namespace
}  // namespace peerlink::broker
