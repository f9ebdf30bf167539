// Unit tests of the broker's file store: interning, ids, removal, lookups and the bounded, fair
// WHOHAS sample (server/file_store.h, through the Registry).
#include "server/file_store.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "server/intern_table.h"
#include "server/registry.h"

namespace peerlink::broker {
namespace {

SharedFile file(const std::string& name, char hash_char, uint64_t size = 1) {
  return SharedFile{name, size, std::string(64, hash_char)};
}

void add_user(Registry& r, const std::string& name, std::vector<SharedFile> files) {
  User u;
  u.name = name;
  r.add(u);
  r.set_files(name, std::move(files));
}

TEST(InternTable, EqualKeysShareOneIdUntilTheLastReferenceGoes) {
  InternTable<std::string, std::string_view, std::hash<std::string_view>> t;
  uint32_t a = t.intern("a.txt");
  EXPECT_EQ(t.intern("a.txt"), a);
  uint32_t b = t.intern("b.txt");
  EXPECT_NE(a, b);
  EXPECT_EQ(t.size(), 2u);
  t.release(a);
  EXPECT_EQ(t.find("a.txt"), a);  // one reference left
  t.release(a);
  EXPECT_EQ(t.find("a.txt"), kNoId);
  EXPECT_EQ(t.find("b.txt"), b);
  EXPECT_EQ(t.key(b), "b.txt");
  EXPECT_EQ(t.intern("c.txt"), a);  // the freed id is reused
}

TEST(InternTable, ManyKeysSurviveGrowthAndDeletionInAnyOrder) {
  InternTable<std::string, std::string_view, std::hash<std::string_view>> t;
  std::map<std::string, uint32_t> ids;
  for (int i = 0; i < 5000; ++i) ids["k" + std::to_string(i)] = t.intern("k" + std::to_string(i));
  for (int i = 0; i < 5000; i += 3) t.release(ids["k" + std::to_string(i)]);
  for (int i = 0; i < 5000; ++i) {
    uint32_t want = i % 3 == 0 ? kNoId : ids["k" + std::to_string(i)];
    ASSERT_EQ(t.find("k" + std::to_string(i)), want) << i;
  }
  EXPECT_EQ(t.size(), 5000u - 1667u);
}

TEST(FileStore, NamesAndDigestsAreStoredOnceAndGoWithTheirLastFile) {
  Registry r;
  add_user(r, "alice", {file("same.txt", 'a'), file("other.txt", 'b')});
  add_user(r, "bob", {file("same.txt", 'a')});
  EXPECT_EQ(r.store().file_count(), 3u);
  EXPECT_EQ(r.store().name_count(), 2u);
  EXPECT_EQ(r.store().digest_count(), 2u);
  r.remove("alice");
  while (r.collect(1) > 0) {
  }
  EXPECT_EQ(r.store().file_count(), 1u);
  EXPECT_EQ(r.store().name_count(), 1u);
  EXPECT_EQ(r.store().digest_count(), 1u);
  r.remove("bob");
  r.collect(100);
  EXPECT_EQ(r.store().file_count(), 0u);
  EXPECT_EQ(r.store().name_count(), 0u);
  EXPECT_EQ(r.store().digest_count(), 0u);
  EXPECT_EQ(r.garbage(), 0u);
}

TEST(FileStore, DigestsComeBackAsLowerCaseHexAndListingsStaySorted) {
  Registry r;
  const std::string hex = "00ff" + std::string(60, '7');
  add_user(r, "alice", {file("b", 'c'), SharedFile{"a", 42, hex}});
  const User* u = r.find("alice");
  ASSERT_EQ(u->file_count, 2u);
  EXPECT_EQ(*r.file_at(*u, 0).name, "a");
  EXPECT_EQ(r.file_at(*u, 0).size, 42u);
  EXPECT_EQ(r.file_at(*u, 0).sha256->hex(), hex);
  EXPECT_EQ(*r.file_at(*u, 1).name, "b");
  ASSERT_TRUE(r.find_file(*u, "b").has_value());
  EXPECT_FALSE(r.find_file(*u, "c").has_value());
  ASSERT_EQ(r.who_has("00FF" + std::string(60, '7'), 10).size(), 1u);  // either case
  ASSERT_TRUE(r.owner_file(*u, hex).has_value());
  EXPECT_EQ(*r.owner_file(*u, hex)->name, "a");
  EXPECT_EQ(r.search("A", 10).size(), 1u);
}

TEST(FileStore, WhoHasSkipsTheAskerAndKeepsToTheBound) {
  Registry r;
  for (int i = 0; i < 100; ++i) add_user(r, "u" + std::to_string(i), {file("pop.iso", 'e')});
  const User* asker = r.find("u7");
  for (int round = 0; round < 20; ++round) {
    auto hits = r.who_has("pop.iso", 16, asker);
    ASSERT_EQ(hits.size(), 16u);
    std::set<const User*> distinct;
    for (const auto& [u, f] : hits) {
      EXPECT_NE(u, asker);
      distinct.insert(u);
    }
    EXPECT_EQ(distinct.size(), 16u);
  }
  EXPECT_EQ(r.who_has(std::string(64, 'e'), 5, asker).size(), 5u);
}

TEST(FileStore, RepeatedWhoHasGivesEveryOwnerItsTurn) {
  Registry r;
  for (int i = 0; i < 50; ++i) add_user(r, "u" + std::to_string(i), {file("pop.iso", 'e')});
  for (bool by_hash : {false, true}) {
    std::map<std::string, int> seen;
    const std::string key = by_hash ? std::string(64, 'e') : "pop.iso";
    for (int round = 0; round < 25; ++round) {  // 25 x 16 = 400 = 8 turns each
      for (const auto& [u, f] : r.who_has(key, 16)) ++seen[u->name];
    }
    ASSERT_EQ(seen.size(), 50u);
    for (const auto& [name, n] : seen) EXPECT_EQ(n, 8) << name;
  }
}

TEST(FileStore, SampleSkipsDepartedOwnersAndLooksAtABoundedPart) {
  Registry r;
  for (int i = 0; i < 40; ++i) add_user(r, "u" + std::to_string(i), {file("pop.iso", 'e')});
  for (int i = 0; i < 40; i += 2) r.remove("u" + std::to_string(i));  // not collected yet
  std::set<std::string> seen;
  for (int round = 0; round < 4; ++round) {
    auto hits = r.who_has("pop.iso", 8);
    EXPECT_EQ(hits.size(), 8u);
    for (const auto& [u, f] : hits) seen.insert(u->name);
  }
  EXPECT_EQ(seen.size(), 20u);
  for (const std::string& name : seen) EXPECT_EQ((name[name.size() - 1] - '0') % 2, 1) << name;
}

TEST(FileStore, ReplacedSetsLeaveTheIndexesAndTheirIdsAreReused) {
  Registry r;
  add_user(r, "alice", {file("a", 'a'), file("b", 'b')});
  for (int i = 0; i < 10; ++i) {
    r.set_files("alice", {file("c" + std::to_string(i), 'c')});
    r.collect(100);
  }
  EXPECT_EQ(r.store().file_count(), 1u);
  EXPECT_TRUE(r.who_has("a", 10).empty());
  EXPECT_TRUE(r.who_has(std::string(64, 'a'), 10).empty());
  EXPECT_EQ(r.who_has("c9", 10).size(), 1u);
  EXPECT_EQ(r.who_has(std::string(64, 'c'), 10).size(), 1u);
}

}  // namespace
}  // namespace peerlink::broker
