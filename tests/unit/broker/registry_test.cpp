// Unit tests of the broker's registry, pending-request tables and option parsing (no sockets).
#include "server/registry.h"

#include <gtest/gtest.h>

#include "common/base/hex.h"

#include "server/options.h"
#include "server/pending.h"

namespace peerlink::broker {
namespace {

User make_user(const std::string& name) {
  User u;
  u.name = name;
  u.ip = "127.0.0.1";
  u.port = 4000;
  return u;
}

// Adds `name` sharing `files`, indexed.
void add_user(Registry& r, const std::string& name, std::vector<SharedFile> files) {
  r.add(make_user(name));
  r.set_files(name, std::move(files));
}

SharedFile file(const std::string& name, char hash_char, uint64_t size = 1) {
  return SharedFile{name, size, std::string(64, hash_char)};
}

TEST(Registry, AddRefusesDuplicatesAndRemoveFreesTheName) {
  Registry r;
  EXPECT_TRUE(r.add(make_user("alice")));
  EXPECT_FALSE(r.add(make_user("alice")));
  EXPECT_EQ(r.size(), 1u);
  r.remove("alice");
  EXPECT_FALSE(r.contains("alice"));
  EXPECT_TRUE(r.add(make_user("alice")));
}

TEST(Registry, WhoHasByNameAndHashThroughTheIndexes) {
  Registry r;
  add_user(r, "alice", {file("a.txt", 'a'), file("b.txt", 'b')});
  add_user(r, "bob", {file("a.txt", 'c'), file("copy.txt", 'b')});
  EXPECT_EQ(r.who_has("a.txt", 100).size(), 2u);
  auto by_hash = r.who_has(std::string(64, 'b'), 100);
  ASSERT_EQ(by_hash.size(), 2u);
  EXPECT_EQ(by_hash[0].first->name, "alice");
  EXPECT_EQ(*by_hash[0].second.name, "b.txt");
  EXPECT_EQ(*by_hash[1].second.name, "copy.txt");
  EXPECT_TRUE(r.who_has("missing", 100).empty());
  r.remove("alice");
  EXPECT_EQ(r.who_has("a.txt", 100).size(), 1u);
  EXPECT_EQ(r.who_has(std::string(64, 'b'), 100).size(), 1u);
  EXPECT_TRUE(r.who_has(std::string(64, 'a'), 100).empty());
}

TEST(Registry, SetFilesReplacesTheIndexEntries) {
  Registry r;
  add_user(r, "alice", {file("old.txt", 'a')});
  r.set_files("alice", {file("new.txt", 'b')});
  EXPECT_TRUE(r.who_has("old.txt", 100).empty());
  EXPECT_TRUE(r.who_has(std::string(64, 'a'), 100).empty());
  EXPECT_EQ(r.who_has("new.txt", 100).size(), 1u);
}

TEST(Registry, SearchIsCaseInsensitiveSortedAndCapped) {
  Registry r;
  add_user(r, "bob", {file("Holiday.JPG", 'a'), file("notes", 'b')});
  add_user(r, "alice", {file("holiday2.jpg", 'c')});
  auto hits = r.search("HOLIDAY", 100);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].first->name, "alice");
  EXPECT_EQ(hits[1].first->name, "bob");
  EXPECT_EQ(r.search("holiday", 1).size(), 1u);
  EXPECT_EQ(r.all_files(100).size(), 3u);
  EXPECT_EQ(r.all_files(2).size(), 2u);
}

TEST(Registry, Sha256HexShape) {
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'f')));
  EXPECT_TRUE(is_sha256_hex(std::string(64, 'F')));
  std::string lower;
  EXPECT_TRUE(parse_sha256_hex(std::string(32, 'A') + std::string(32, 'b'), &lower));
  EXPECT_EQ(lower, std::string(32, 'a') + std::string(32, 'b'));
  EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'g')));
}

TEST(Pending, ChatRequestsAreIndexedByBothUsers) {
  Pending p;
  auto now = Clock::now();
  uint64_t id = p.next_id();
  p.add_chat({id, "alice", "bob", now + std::chrono::seconds(30)});
  ASSERT_NE(p.outgoing_chat("alice"), nullptr);
  EXPECT_EQ(p.outgoing_chat("bob"), nullptr);
  EXPECT_EQ(p.chats_of("bob"), std::vector<uint64_t>{id});
  p.remove_chat(id);
  EXPECT_EQ(p.outgoing_chat("alice"), nullptr);
  EXPECT_TRUE(p.chats_of("bob").empty());
  EXPECT_TRUE(p.expired_chats(now + std::chrono::hours(1)).empty());  // removed: no expiry
}

TEST(Pending, ExpiryComesInDeadlineOrder) {
  Pending p;
  auto t0 = Clock::now();
  uint64_t a = p.next_id(), b = p.next_id();
  p.add_chat({a, "a", "x", t0 + std::chrono::seconds(1)});
  p.add_chat({b, "b", "x", t0 + std::chrono::seconds(2)});
  EXPECT_EQ(p.next_deadline(), t0 + std::chrono::seconds(1));
  EXPECT_TRUE(p.expired_chats(t0).empty());
  EXPECT_EQ(p.expired_chats(t0 + std::chrono::milliseconds(1500)), std::vector<uint64_t>{a});
  EXPECT_EQ(p.expired_chats(t0 + std::chrono::seconds(3)), std::vector<uint64_t>{b});
}

TEST(Pending, OffersIndexSenderAndTargets) {
  Pending p;
  PendingOffer o;
  o.id = p.next_id();
  o.from = "alice";
  o.targets = {{"bob", true}, {"carol", true}};
  o.deadline = Clock::now();
  p.add_offer(o);
  EXPECT_EQ(p.offers_of("carol"), std::vector<uint64_t>{o.id});
  EXPECT_EQ(p.offers_of("alice"), std::vector<uint64_t>{o.id});
  p.remove_offer(o.id);
  EXPECT_TRUE(p.offers_of("bob").empty());
}

TEST(Registry, NamesAreUniqueAndFoundIgnoringCaseShownAsRegistered) {
  Registry r;
  EXPECT_TRUE(r.add(make_user("Alice")));
  EXPECT_FALSE(r.add(make_user("alice")));
  EXPECT_FALSE(r.add(make_user("ALICE")));
  ASSERT_NE(r.find("aLiCe"), nullptr);
  EXPECT_EQ(r.find("aLiCe")->name, "Alice");
  r.set_files("ALICE", {file("x", 'a')});
  EXPECT_EQ(r.find("Alice")->file_count, 1u);
  r.remove("alice");
  EXPECT_EQ(r.size(), 0u);
}

TEST(Registry, ContainsFoldedIsPlainSubstringSearch) {
  EXPECT_TRUE(contains_folded("abc", ""));
  EXPECT_TRUE(contains_folded("abc", "bc"));
  EXPECT_FALSE(contains_folded("abc", "abcd"));
  EXPECT_FALSE(contains_folded("", "a"));
  std::string hay(200, 'a');
  EXPECT_FALSE(contains_folded(hay, std::string(150, 'a') + "b"));
  EXPECT_TRUE(contains_folded(hay + "b", std::string(150, 'a') + "b"));
  EXPECT_EQ(fold_name("MiXeD.9-_"), "mixed.9-_");
}

TEST(Registry, ScanResumesWhereItStoppedWhileUsersComeAndGo) {
  Registry r;
  std::vector<SharedFile> many;
  for (int i = 0; i < 10; ++i) many.push_back(file("f" + std::to_string(i), 'a'));
  add_user(r, "bob", many);
  add_user(r, "carol", many);
  ScanCursor cur;
  std::vector<std::string> seen;
  auto visit = [&](const User& u, const FileInfo& f) {
    seen.push_back(u.name + "/" + *f.name);
    return true;
  };
  // A budget of one file's cost: one file per call.
  size_t cost = 2 + Registry::kScanFileCost;
  for (int i = 0; i < 5; ++i) EXPECT_GT(r.scan(&cur, cost, visit), 0u);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_FALSE(cur.done);
  add_user(r, "alice", many);  // sorts before the cursor: not visited
  r.remove("bob");             // the cursor's user goes: resume at the next one
  while (!cur.done) r.scan(&cur, cost, visit);
  EXPECT_EQ(seen.size(), 15u);
  EXPECT_EQ(seen[5], "carol/f0");
  EXPECT_EQ(seen.back(), "carol/f9");
  // Searching is folded on both sides.
  r.set_files("carol", {file("Report.PDF", 'b')});
  EXPECT_EQ(r.search("report.pdf", 10).size(), 1u);
  EXPECT_EQ(r.search("RT.p", 10).size(), 1u);
}

TEST(Registry, IndexingInStepsAndCleanupNeverMixUpARegisteredAgainName) {
  Registry r;
  add_user(r, "alice", {file("a.txt", 'a'), file("b.txt", 'b')});
  r.remove("alice");  // its index entries wait for collect()
  EXPECT_EQ(r.garbage(), 2u);
  EXPECT_TRUE(r.who_has("a.txt", 10).empty());
  r.add(make_user("alice"));
  FileMap files;
  for (const auto& f : {file("a.txt", 'c'), file("c.txt", 'a'), file("d.txt", 'd')}) {
    files[f.name] = f;
  }
  uint64_t generation = r.replace_files("alice", files);
  size_t cursor = 0;
  EXPECT_FALSE(r.index_some("alice", generation, &cursor, 1));  // a.txt
  EXPECT_EQ(r.who_has("a.txt", 10).size(), 1u);
  EXPECT_TRUE(r.who_has("c.txt", 10).empty());               // not indexed yet
  EXPECT_TRUE(r.who_has(std::string(64, 'a'), 10).empty());  // the old a.txt's hash: gone
  // Cleaning up the old alice's entries does not touch the new alice's a.txt.
  EXPECT_EQ(r.collect(100), 2u);
  EXPECT_EQ(r.garbage(), 0u);
  ASSERT_EQ(r.who_has("a.txt", 10).size(), 1u);
  EXPECT_EQ(r.who_has("a.txt", 10)[0].second.sha256->hex(), std::string(64, 'c'));
  EXPECT_FALSE(r.index_some("alice", generation, &cursor, 1));  // c.txt
  EXPECT_TRUE(r.index_some("alice", generation, &cursor, 1));   // d.txt, the last
  EXPECT_EQ(r.who_has(std::string(64, 'a'), 10).size(), 1u);    // c.txt
  EXPECT_EQ(r.who_has("d.txt", 10).size(), 1u);
  // Replacing again: the previous set's entries no longer count, before any collect().
  r.set_files("alice", {file("e.txt", 'e')});
  EXPECT_TRUE(r.who_has("d.txt", 10).empty());
  EXPECT_EQ(r.who_has("e.txt", 10).size(), 1u);
  EXPECT_EQ(r.garbage(), 3u);
  while (r.collect(1) > 0) {
  }
  EXPECT_EQ(r.who_has("e.txt", 10).size(), 1u);
}

TEST(Pending, OffersAreCountedPerSenderAndTimersStayProportional) {
  Pending p;
  for (int i = 0; i < 10100; ++i) {
    PendingOffer o;
    o.id = p.next_id();
    o.from = i < 10000 ? "alice" : "bob";
    o.targets = {{"carol", true}};
    o.deadline = Clock::now() + std::chrono::hours(1);
    p.add_offer(o);
    if (i < 10000) p.remove_offer(o.id);  // alice's are answered at once
  }
  EXPECT_EQ(p.offers_from("alice"), 0u);
  EXPECT_EQ(p.offers_from("bob"), 100u);
  EXPECT_EQ(p.offer_count(), 100u);
  // Answered offers' timer entries do not pile up (10,100 of them would, uncompacted).
  EXPECT_LE(p.timer_entries(), 2 * p.offer_count() + 1024);
  for (uint64_t id : p.offers_of("bob")) p.remove_offer(id);
  EXPECT_EQ(p.offers_from("bob"), 0u);
  EXPECT_EQ(p.offer_count(), 0u);
}

bool parse(std::vector<std::string> args, BrokerOptions* o, int* code, std::string* msg) {
  std::vector<char*> argv;
  static std::string prog = "_s";
  argv.push_back(prog.data());
  for (auto& a : args) argv.push_back(a.data());
  const ArgsOutcome r = parse_broker_options(static_cast<int>(argv.size()), argv.data(), o);
  *code = r.exit_code();
  *msg = r.text();
  return r.go_on();
}

TEST(BrokerOptions, ParsesAndRejects) {
  BrokerOptions o;
  int code = -1;
  std::string msg;
  ASSERT_TRUE(parse({"--port", "0", "--bind", "::1", "--log", "x.log", "--request-timeout", "5"},
                    &o, &code, &msg));
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.bind, "::1");
  EXPECT_EQ(o.log_path, "x.log");
  EXPECT_EQ(o.request_timeout_s, 5);
  for (auto bad : std::vector<std::vector<std::string>>{{"--port", "65536"},
                                                        {"--port", "-1"},
                                                        {"--port"},
                                                        {"--request-timeout", "0"},
                                                        {"--x"}}) {
    BrokerOptions o2;
    EXPECT_FALSE(parse(bad, &o2, &code, &msg)) << bad[0];
    EXPECT_EQ(code, 2);
    EXPECT_NE(msg.find("_s: "), std::string::npos);
  }
  EXPECT_FALSE(parse({"--help"}, &o, &code, &msg));
  EXPECT_EQ(code, 0);
}

TEST(BrokerOptions, MessagesNameTheProblem) {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--bogus"}, "_s: unknown option --bogus (see _s --help)\n"},
           {{"--port"}, "_s: --port needs a value (see _s --help)\n"},
           {{"--port", "x"}, "_s: --port: not a port number: x (see _s --help)\n"},
           {{"--quiet", "extra"}, "_s: unexpected argument extra (see _s --help)\n"},
           {{"--max-chats", "0"},
            "_s: --max-chats: not a number in 1..10000000: 0 (see _s --help)\n"},
       }) {
    BrokerOptions o;
    int code = -1;
    std::string msg;
    EXPECT_FALSE(parse(args, &o, &code, &msg));
    EXPECT_EQ(code, 2);
    EXPECT_EQ(msg, message);
  }
  BrokerOptions o;
  int code = -1;
  std::string msg;
  ASSERT_TRUE(parse({"--quiet", "--max-output", "8192", "--socket-sndbuf", "0"}, &o, &code, &msg));
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.max_output_bytes, 8192u);
  EXPECT_EQ(o.socket_sndbuf, 0u);
  EXPECT_FALSE(parse({"--version"}, &o, &code, &msg));
  EXPECT_EQ(code, 0);
  EXPECT_EQ(msg, std::string("_s (peerlink) ") + PEERLINK_VERSION + "\n");
}

}  // namespace
}  // namespace peerlink::broker
