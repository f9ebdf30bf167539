// Tests for HMAC-SHA-256 against RFC 4231 and for constant_time_equal.
#include "common/crypto/hmac.h"

#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"

namespace peerlink {
namespace {

std::string hmac_hex(std::string_view key, std::string_view message) {
  const Sha256::Digest d = hmac_sha256(key, message);
  return to_hex(d.data(), d.size());
}

std::string bytes_from_hex(std::string_view hex) {
  std::string out;
  EXPECT_TRUE(from_hex(hex, &out)) << hex;
  return out;
}

TEST(HmacTest, Rfc4231Case1) {
  EXPECT_EQ(hmac_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacTest, Rfc4231Case2KeyShorterThanOutput) {
  EXPECT_EQ(hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacTest, Rfc4231Case3) {
  EXPECT_EQ(hmac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(HmacTest, Rfc4231Case4) {
  const std::string key = bytes_from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819");
  EXPECT_EQ(hmac_hex(key, std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(HmacTest, Rfc4231Case5TruncatedTo128Bits) {
  EXPECT_EQ(hmac_hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

TEST(HmacTest, Rfc4231Case6KeyLargerThanBlock) {
  EXPECT_EQ(
      hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacTest, Rfc4231Case7KeyAndDataLargerThanBlock) {
  EXPECT_EQ(hmac_hex(std::string(131, '\xaa'),
                     "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacTest, KeyOfExactlyOneBlockIsNotHashed) {
  // A 64-byte key is used as is; hashing it would give a different MAC.
  const std::string key(64, 'k');
  const Sha256::Digest kd = sha256(key);
  const std::string hashed_key(reinterpret_cast<const char*>(kd.data()), kd.size());
  EXPECT_NE(hmac_hex(key, "m"), hmac_hex(hashed_key, "m"));
  // ...whereas a 65-byte key must behave exactly like its digest.
  const std::string long_key(65, 'k');
  const Sha256::Digest lkd = sha256(long_key);
  const std::string hashed_long(reinterpret_cast<const char*>(lkd.data()), lkd.size());
  EXPECT_EQ(hmac_hex(long_key, "m"), hmac_hex(hashed_long, "m"));
}

TEST(ConstantTimeEqualTest, Basics) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "xbc"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_FALSE(constant_time_equal(std::string(1, '\x80'), std::string(1, '\0')));
}

}  // namespace
}  // namespace peerlink
