// Unit tests of the broker's table of users away in a chat session (server/busy.h).
#include "server/busy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace peerlink::broker {
namespace {

using std::chrono::seconds;
using Clock = BusyTable::Clock;

BusyLimits limits() {
  BusyLimits l;
  l.max_records = 4;
  l.hand_off = seconds(30);
  l.expiry = seconds(3600);
  l.grace = seconds(20);
  return l;
}

TEST(BusyTable, BothEndsOfAnAcceptedChatAreBusyOnceTheyLeave) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "Bob", t0);
  EXPECT_EQ(t.busy("alice"), nullptr);  // still online: not listed as busy
  EXPECT_EQ(t.busy_count(), 0u);
  ASSERT_EQ(t.left("alice", t0 + seconds(1)), "Bob");
  ASSERT_EQ(t.left("BOB", t0 + seconds(1)), "alice");
  ASSERT_NE(t.busy("bob"), nullptr);
  EXPECT_EQ(t.busy("bob")->name, "Bob");  // shown as registered
  EXPECT_EQ(t.busy("bob")->partner, "alice");
  std::vector<const BusyTable::Record*> list = t.busy_list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]->name, "alice");
  EXPECT_EQ(list[1]->name, "Bob");
  // Leaving twice (a second connection of the name) is a plain leave.
  EXPECT_EQ(t.left("alice", t0 + seconds(2)), std::nullopt);
}

TEST(BusyTable, AUserWhoWasNotInASessionSimplyLeaves) {
  BusyTable t(limits());
  EXPECT_EQ(t.left("carol", Clock::time_point{}), std::nullopt);
  EXPECT_EQ(t.size(), 0u);
}

TEST(BusyTable, ComingBackClearsTheRecordAndGivesThePartnerAGracePeriod) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "bob", t0);
  t.left("alice", t0);
  t.left("bob", t0);
  t.returned("alice", t0 + seconds(100));
  EXPECT_EQ(t.busy("alice"), nullptr);
  ASSERT_NE(t.busy("bob"), nullptr);
  EXPECT_EQ(t.next_deadline(), t0 + seconds(120));
  EXPECT_TRUE(t.expire(t0 + seconds(119)).empty());
  EXPECT_EQ(t.expire(t0 + seconds(120)), std::vector<std::string>{"bob"});
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.busy_count(), 0u);
}

TEST(BusyTable, APartnerWhoComesBackInTimeIsNotAnnouncedAsGone) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "bob", t0);
  t.left("alice", t0);
  t.left("bob", t0);
  t.returned("alice", t0 + seconds(100));
  t.returned("bob", t0 + seconds(101));
  EXPECT_TRUE(t.expire(t0 + seconds(200)).empty());
  EXPECT_EQ(t.size(), 0u);
}

TEST(BusyTable, RecordsExpireWhenNobodyComesBack) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "bob", t0);
  t.left("alice", t0);
  t.left("bob", t0 + seconds(5));
  EXPECT_TRUE(t.expire(t0 + seconds(3599)).empty());
  EXPECT_EQ(t.expire(t0 + seconds(3600)), std::vector<std::string>{"alice"});
  EXPECT_EQ(t.expire(t0 + seconds(3605)), std::vector<std::string>{"bob"});
  EXPECT_EQ(t.next_deadline(), Clock::time_point::max());
}

TEST(BusyTable, AHandOffThatNeverHappensIsForgottenSilently) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "bob", t0);
  EXPECT_TRUE(t.expire(t0 + seconds(30)).empty());  // nobody left: nothing to announce
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.left("alice", t0 + seconds(31)), std::nullopt);
}

TEST(BusyTable, ANewSessionReplacesTheOldRecord) {
  BusyTable t(limits());
  const Clock::time_point t0{};
  t.session_started("alice", "bob", t0);
  t.session_started("alice", "carol", t0 + seconds(1));
  EXPECT_EQ(t.left("alice", t0 + seconds(2)), "carol");
  EXPECT_EQ(t.size(), 3u);  // alice, bob (still expected), carol
}

TEST(BusyTable, IsBounded) {
  BusyTable t(limits());  // 4 records
  const Clock::time_point t0{};
  t.session_started("a1", "b1", t0);
  t.session_started("a2", "b2", t0);
  t.session_started("a3", "b3", t0);
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.left("a3", t0), std::nullopt);  // not recorded: a plain leave
  EXPECT_EQ(t.left("a1", t0), "b1");
  t.returned("a1", t0);
  t.session_started("a4", "b4", t0);
  EXPECT_EQ(t.size(), 4u);
}

}  // namespace
}  // namespace peerlink::broker
