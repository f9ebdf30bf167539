// HMAC-SHA-256 and constant_time_equal (common/crypto/hmac.h) against every case of Project
// Wycheproof's hmac_sha256_test.json (tests/data/, see SOURCES.md): keys shorter and longer than
// a block, tags truncated to 128 bits, and modified tags.
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/hmac.h"
#include "tests/support/test_data.h"
#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::JsonValue;

// The group's tagSize (bits) says how much of the 32-byte HMAC is the tag. valid: the truncated
// HMAC is `tag` and constant_time_equal() says so. invalid (a modified tag): it must not match.
TEST(HmacVectorsTest, WycheproofEveryCase) {
  const Expected<JsonValue> file = testing::load_test_json("hmac_sha256_test.json");
  ASSERT_TRUE(file.ok()) << file.message();
  const JsonValue& doc = *file;
  ASSERT_EQ(doc["algorithm"].as_string(), "HMACSHA256");

  int64_t cases = 0;
  int64_t valid = 0;
  int64_t invalid = 0;
  int64_t truncated = 0;
  for (const JsonValue& group : doc["testGroups"].as_array()) {
    const int64_t tag_bits = group["tagSize"].as_int();
    ASSERT_TRUE(tag_bits > 0 && tag_bits <= 256 && tag_bits % 8 == 0) << group.path();
    const size_t tag_bytes = static_cast<size_t>(tag_bits / 8);
    for (const JsonValue& test : group["tests"].as_array()) {
      ++cases;
      SCOPED_TRACE("tcId " + std::to_string(test["tcId"].as_int()) + ": " +
                   test["comment"].as_string());
      const std::string key = test["key"].as_hex_bytes();
      const std::string msg = test["msg"].as_hex_bytes();
      const std::string tag = test["tag"].as_hex_bytes();
      EXPECT_EQ(static_cast<int64_t>(key.size() * 8), group["keySize"].as_int());
      const Sha256::Digest mac = hmac_sha256(key, msg);
      const std::string ours(reinterpret_cast<const char*>(mac.data()), tag_bytes);
      if (tag_bytes < mac.size()) ++truncated;
      const std::string& result = test["result"].as_string();
      if (result == "valid") {
        ++valid;
        EXPECT_EQ(hex_of(ours), hex_of(tag));
        EXPECT_TRUE(constant_time_equal(ours, tag));
      } else if (result == "invalid") {
        ++invalid;
        EXPECT_FALSE(constant_time_equal(ours, tag));
      } else {
        ADD_FAILURE() << "unexpected result " << result;
      }
    }
  }
  EXPECT_EQ(cases, doc["numberOfTests"].as_int());
  EXPECT_EQ(valid + invalid, cases);
  EXPECT_GT(invalid, 0);
  EXPECT_GT(truncated, 0);
}

}  // namespace
}  // namespace peerlink
