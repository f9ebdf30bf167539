// Unit tests of the broker's name-to-key bindings: claims, expiry, the bound on their number, and
// the state file (round trip, tolerant loading, refusals).
#include "server/name_keys.h"

#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"
#include "tests/support/process.h"

namespace peerlink::broker {
namespace {

using Claim = NameKeys::Claim;

X25519Key key_of(uint8_t fill) {
  X25519Key k;
  k.fill(fill);
  return k;
}

std::string hex_of(uint8_t fill) { return to_hex(key_of(fill).data(), kX25519Bytes); }

TEST(NameKeys, ANameBelongsToTheKeyThatClaimedIt) {
  NameKeys names;
  EXPECT_EQ(names.claim("alice", key_of(1), 1000), Claim::kBound);
  EXPECT_EQ(names.claim("ALICE", key_of(1), 1010), Claim::kSame);  // names compare folded
  ASSERT_NE(names.find("Alice"), nullptr);
  EXPECT_EQ(names.find("alice")->key, key_of(1));
  EXPECT_EQ(names.find("alice")->last_seen, 1010);
  EXPECT_EQ(names.claim("alice", key_of(2), 1020), Claim::kTaken);
  EXPECT_EQ(names.claim("Alice", key_of(2), 1020), Claim::kTaken);
  EXPECT_EQ(names.find("alice")->key, key_of(1)) << "a refused claim changes nothing";
  EXPECT_EQ(names.claim("bob", key_of(2), 1020), Claim::kBound);  // one key, two names is fine
  EXPECT_EQ(names.size(), 2u);
  EXPECT_EQ(names.find("carol"), nullptr);
}

TEST(NameKeys, ABindingNotSeenForTheExpiryIsReplaced) {
  NameKeys names("", 100);
  ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
  EXPECT_EQ(names.claim("alice", key_of(2), 99), Claim::kTaken);
  EXPECT_EQ(names.claim("alice", key_of(2), 100), Claim::kBound);
  EXPECT_EQ(names.find("alice")->key, key_of(2));
  EXPECT_EQ(names.find("alice")->last_seen, 100);
  EXPECT_EQ(names.claim("alice", key_of(1), 150), Claim::kTaken);
}

TEST(NameKeys, TouchKeepsABindingAlive) {
  NameKeys names("", 100);
  ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
  names.touch("ALICE", 90);
  EXPECT_EQ(names.claim("alice", key_of(2), 150), Claim::kTaken);
  EXPECT_EQ(names.claim("alice", key_of(2), 190), Claim::kBound);
  names.touch("nobody", 200);  // no binding is made by touching
  EXPECT_EQ(names.find("nobody"), nullptr);
  // A clock set back does not make a binding older.
  names.touch("alice", 10);
  EXPECT_EQ(names.find("alice")->last_seen, 190);
}

TEST(NameKeys, ReleaseFreesTheName) {
  NameKeys names;
  ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
  EXPECT_TRUE(names.release("Alice"));
  EXPECT_FALSE(names.release("alice"));
  EXPECT_EQ(names.find("alice"), nullptr);
  EXPECT_EQ(names.claim("alice", key_of(2), 1), Claim::kBound);
}

TEST(NameKeys, WhenFullExpiredBindingsGoAndOtherwiseNewNamesAreRefused) {
  NameKeys names("", 100, 3);
  ASSERT_EQ(names.claim("a", key_of(1), 0), Claim::kBound);
  ASSERT_EQ(names.claim("b", key_of(2), 0), Claim::kBound);
  ASSERT_EQ(names.claim("c", key_of(3), 10), Claim::kBound);
  EXPECT_EQ(names.claim("d", key_of(4), 50), Claim::kFull);
  EXPECT_EQ(names.claim("a", key_of(1), 60), Claim::kSame) << "bound names still register";
  EXPECT_EQ(names.claim("d", key_of(4), 99), Claim::kFull);
  // At 100 only b has not been seen for 100 s (a was at 60, c at 10).
  EXPECT_EQ(names.claim("d", key_of(4), 100), Claim::kBound);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(names.find("b"), nullptr);
  EXPECT_NE(names.find("a"), nullptr);
  EXPECT_NE(names.find("c"), nullptr);
  EXPECT_EQ(names.claim("e", key_of(5), 109), Claim::kFull);
  EXPECT_EQ(names.claim("e", key_of(5), 110), Claim::kBound);  // c's turn
  EXPECT_EQ(names.find("c"), nullptr);
  EXPECT_EQ(names.size(), 3u);
}

TEST(NameKeys, DirtyTracksChangesUntilSaved) {
  NameKeys names;
  EXPECT_FALSE(names.dirty());
  ASSERT_EQ(names.claim("alice", key_of(1), 5), Claim::kBound);
  EXPECT_TRUE(names.dirty());
  ASSERT_TRUE(names.save().ok());
  EXPECT_FALSE(names.dirty());
  EXPECT_EQ(names.claim("alice", key_of(2), 6), Claim::kTaken);
  EXPECT_EQ(names.claim("alice", key_of(1), 5), Claim::kSame);
  names.touch("alice", 5);
  names.touch("bob", 9);
  EXPECT_FALSE(names.release("bob"));
  EXPECT_FALSE(names.dirty()) << "nothing changed";
  names.touch("alice", 7);
  EXPECT_TRUE(names.dirty());
  ASSERT_TRUE(names.save().ok());
  EXPECT_TRUE(names.release("alice"));
  EXPECT_TRUE(names.dirty());
}

TEST(NameKeys, SavesAndLoadsTheStateFile) {
  testing::TempDir dir;
  const std::string path = dir.file("names");
  NameKeys names(path);
  ASSERT_EQ(names.claim("Bob", key_of(0xb0), 1700000000), Claim::kBound);
  ASSERT_EQ(names.claim("alice", key_of(0xa1), 1700000001), Claim::kBound);
  ASSERT_EQ(names.claim("c.d-e_f", key_of(0x0c), 0), Claim::kBound);
  const Result saved = names.save();
  ASSERT_TRUE(saved.ok()) << saved.message();
  const std::string expected =
      "peerlink names 1\n"
      "alice " +
      hex_of(0xa1) +
      " 1700000001\n"
      "bob " +
      hex_of(0xb0) +
      " 1700000000\n"
      "c.d-e_f " +
      hex_of(0x0c) + " 0\n";
  EXPECT_EQ(testing::read_file(path), expected);
  EXPECT_EQ(names.text(), expected);

  NameKeys again(path);
  Expected<NameKeys::LoadReport> report = again.load();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->bindings, 3u);
  EXPECT_EQ(report->bad_lines, 0u);
  EXPECT_FALSE(again.dirty());
  EXPECT_EQ(again.text(), expected);
  EXPECT_EQ(again.claim("BOB", key_of(0xa1), 1700000002), Claim::kTaken) << "after a restart too";
  EXPECT_EQ(again.claim("bob", key_of(0xb0), 1700000002), Claim::kSame);
}

TEST(NameKeys, AMissingFileHoldsNoBindings) {
  testing::TempDir dir;
  NameKeys names(dir.file("names"));
  ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
  Expected<NameKeys::LoadReport> report = names.load();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->bindings, 0u);
  EXPECT_EQ(names.size(), 0u);
  NameKeys no_file;
  EXPECT_TRUE(no_file.load().ok());
}

TEST(NameKeys, LoadingSkipsAndCountsBadLines) {
  NameKeys names("", NameKeys::kDefaultExpirySeconds, 4);
  const std::string good = hex_of(1);
  const std::string text =
      "peerlink names 1\n"
      "alice " +
      good +
      " 10\n"
      "\n"  // empty: ignored, not counted
      "bob " +
      good +
      "\n"
      "bob " +
      good +
      " 10 extra\n"
      "bob " +
      good.substr(1) +
      " 10\n"
      "bob " +
      good.substr(1) +
      "g 10\n"
      "bob " +
      good +
      " -1\n"
      "bob " +
      good +
      " 10000000000000000000\n"
      "bob " +
      good +
      " 1x\n"
      "-bob " +
      good +
      " 10\n"
      "bo%20b " +
      good +
      " 10\n"
      "bob% " +
      good +
      " 10\n"
      "ALICE " +
      good +
      " 11\n"  // a second alice
      "%43arol " +
      std::string(64, 'F') +
      " 12\n"
      "dave " +
      good +
      " 13\r\n"
      "erin " +
      good +
      " 14\n"
      "frank " +
      good +
      " 15\n"
      "gina " +
      good + " 16";  // past max_bindings (4)
  Expected<NameKeys::LoadReport> report = names.load_text(text);
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->bindings, 4u);
  EXPECT_EQ(report->bad_lines, 13u);
  EXPECT_EQ(names.size(), 4u);
  ASSERT_NE(names.find("alice"), nullptr);
  EXPECT_EQ(names.find("alice")->last_seen, 10);
  ASSERT_NE(names.find("carol"), nullptr);  // percent-decoded, folded, upper-case hex read
  EXPECT_EQ(names.find("carol")->key, key_of(0xff));
  EXPECT_NE(names.find("erin"), nullptr);
  EXPECT_NE(names.find("frank"), nullptr);
  EXPECT_EQ(names.find("gina"), nullptr);
  EXPECT_EQ(names.find("bob"), nullptr);
  EXPECT_FALSE(names.dirty());
}

TEST(NameKeys, RefusesAFileThatIsNotOne) {
  testing::TempDir dir;
  const std::string path = dir.file("names");
  NameKeys names(path);
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"alice " + hex_of(1) + " 10\n", path + ": not a peerlink names file"},
           {"peerlink names 1 \n", path + ": not a peerlink names file"},
           {"peerlink names 2\nalice x\n",
            path + ": a peerlink names file of another version (peerlink names 2), this broker "
                   "reads peerlink names 1"},
       }) {
    ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
    ASSERT_TRUE(testing::write_file(path, text));
    Expected<NameKeys::LoadReport> report = names.load();
    EXPECT_FALSE(report.ok()) << text;
    EXPECT_EQ(report.message(), message);
    EXPECT_EQ(names.size(), 0u);
  }
}

TEST(NameKeys, RefusesAFileOverTheBound) {
  testing::TempDir dir;
  const std::string path = dir.file("names");
  NameKeys names(path, NameKeys::kDefaultExpirySeconds, 2);
  const size_t max = names.max_file_bytes();
  EXPECT_EQ(max, 17 + 2 * NameKeys::kMaxLineBytes);
  // Exactly at the bound: read (the lines are bad, not the size).
  ASSERT_TRUE(testing::write_file(path, "peerlink names 1\n" + std::string(max - 17, 'x')));
  Expected<NameKeys::LoadReport> report = names.load();
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->bad_lines, 1u);
  ASSERT_TRUE(testing::write_file(path, "peerlink names 1\n" + std::string(max - 16, 'x')));
  report = names.load();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.message(), path + ": larger than " + std::to_string(max) +
                                  " bytes, more than 2 bindings take: not a names file this "
                                  "broker wrote");
}

TEST(NameKeys, AFailedSaveStaysDirty) {
  testing::TempDir dir;
  NameKeys names(dir.file("missing/names"));
  ASSERT_EQ(names.claim("alice", key_of(1), 0), Claim::kBound);
  const Result saved = names.save();
  EXPECT_FALSE(saved.ok());
  EXPECT_NE(saved.message().find(dir.file("missing/names")), std::string::npos) << saved.message();
  EXPECT_TRUE(names.dirty());
}

TEST(NameKeys, LongestLineFitsTheBound) {
  // The widest binding a valid name can make, written by text(), is within kMaxLineBytes.
  NameKeys names;
  const std::string name(32, 'a');
  ASSERT_EQ(names.claim(name, key_of(1), 999999999999999999), Claim::kBound);
  const std::string text = names.text();
  EXPECT_LE(text.size() - 17, NameKeys::kMaxLineBytes);
}

}  // namespace
}  // namespace peerlink::broker
