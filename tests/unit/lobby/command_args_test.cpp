// Unit tests of reading `get NAME [USER]` and `send PATH USER...` arguments.
#include "client/lobby/command_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlink::lobby {
namespace {

using W = std::vector<std::string>;

TEST(ClientArgs, UnquotedGivesEverySplitLongestNameFirst) {
  std::vector<NameAndWords> r = name_readings("read me.txt bob", 0, 1);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (NameAndWords{"read me.txt bob", {}}));
  EXPECT_EQ(r[1], (NameAndWords{"read me.txt", W{"bob"}}));

  r = name_readings("a  b\tc d", 1, 32);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (NameAndWords{"a  b\tc", W{"d"}}));  // inner spacing as typed
  EXPECT_EQ(r[1], (NameAndWords{"a  b", W{"c", "d"}}));
  EXPECT_EQ(r[2], (NameAndWords{"a", W{"b", "c", "d"}}));
}

TEST(ClientArgs, TheNameKeepsAtLeastOneWord) {
  EXPECT_TRUE(name_readings("notes.txt", 1, 32).empty());  // send without a user
  std::vector<NameAndWords> r = name_readings("  notes.txt  ", 0, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (NameAndWords{"notes.txt", {}}));
  EXPECT_TRUE(name_readings("", 0, 1).empty());
  EXPECT_TRUE(name_readings(" \t ", 0, 1).empty());
}

TEST(ClientArgs, MaxWordsBoundsTheSplits) {
  std::vector<NameAndWords> r = name_readings("a b c d", 1, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1], (NameAndWords{"a b", W{"c", "d"}}));
}

TEST(ClientArgs, AQuotedNameIsTakenAsTyped) {
  std::vector<NameAndWords> r = name_readings("\"my file.txt\" bob carol", 1, 32);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (NameAndWords{"my file.txt", W{"bob", "carol"}}));
  r = name_readings("\"read me.txt\"", 0, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (NameAndWords{"read me.txt", {}}));
  EXPECT_TRUE(name_readings("\"unclosed bob", 1, 32).empty());
  EXPECT_TRUE(name_readings("\"\" bob", 1, 32).empty());
  EXPECT_TRUE(name_readings("\"x\"", 1, 32).empty());     // no user
  EXPECT_TRUE(name_readings("\"x\" a b", 0, 1).empty());  // too many words
}

}  // namespace
}  // namespace peerlink::lobby
