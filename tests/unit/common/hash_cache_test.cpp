// Tests for the shared folder's hash cache text: round trip and refusal of anything corrupt.
#include "common/fs/hash_cache.h"

#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

const std::string kSha(64, 'd');

TEST(HashCacheTest, RoundTripsSortedWithEncodedNames) {
  HashCache c;
  c.put("b file.txt", {12, 1700000000123456789, kSha});
  c.put("a.bin", {0, -5, std::string(64, '0')});
  const std::string text = c.format();
  EXPECT_EQ(text, "peerlink-hashes 1\n" + std::string(64, '0') + " 0 -5 a.bin\n" + kSha +
                      " 12 1700000000123456789 b%20file.txt\n");
  HashCache back;
  ASSERT_TRUE(HashCache::parse(text, &back));
  EXPECT_TRUE(back == c);
}

TEST(HashCacheTest, LookupNeedsNameSizeAndMtime) {
  HashCache c;
  c.put("x", {10, 20, kSha});
  std::string sha;
  EXPECT_TRUE(c.lookup("x", 10, 20, &sha));
  EXPECT_EQ(sha, kSha);
  EXPECT_FALSE(c.lookup("x", 11, 20, &sha));
  EXPECT_FALSE(c.lookup("x", 10, 21, &sha));
  EXPECT_FALSE(c.lookup("y", 10, 20, &sha));
}

TEST(HashCacheTest, AnyCorruptLineInvalidatesTheWholeCache) {
  const std::string head = "peerlink-hashes 1\n";
  const std::string good = kSha + " 1 2 a\n";
  HashCache out;
  out.put("keep", {1, 1, kSha});
  const HashCache before = out;
  for (const std::string& bad : {
           std::string(""), "peerlink-hashes 2\n" + good,
           head + good + kSha + " 1 2\n",             // missing name
           head + good + "xyz 1 2 b\n",               // bad hash
           head + good + kSha + " -1 2 b\n",          // bad size
           head + good + kSha + " 1 2x b\n",          // bad mtime
           head + good + kSha + " 1 2 b%zz\n",        // bad escape
           head + good + kSha + " 1 2 b",             // cut-off last line
           head + std::string(64, 'D') + " 1 2 a\n",  // upper-case hash: not ours
       }) {
    EXPECT_FALSE(HashCache::parse(bad, &out)) << bad;
    EXPECT_TRUE(out == before);
  }
  EXPECT_TRUE(HashCache::parse(head, &out));
  EXPECT_TRUE(out.entries().empty());
}

}  // namespace
}  // namespace peerlink
