// HKDF-SHA-256 (common/crypto/hkdf.h) against every case of Project Wycheproof's
// hkdf_sha256_test.json (tests/data/, see SOURCES.md): RFC 5869's vectors, empty salts, the
// largest output (255 blocks) and one byte more.
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/hkdf.h"
#include "tests/support/test_data.h"
#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::JsonValue;

// valid: hkdf_sha256(salt, ikm, info, size) is okm. invalid (SizeTooLarge, over 255 * 32 bytes):
// the result is empty.
TEST(HkdfVectorsTest, WycheproofEveryCase) {
  const Expected<JsonValue> file = testing::load_test_json("hkdf_sha256_test.json");
  ASSERT_TRUE(file.ok()) << file.message();
  const JsonValue& doc = *file;
  ASSERT_EQ(doc["algorithm"].as_string(), "HKDF-SHA-256");

  int64_t cases = 0;
  int64_t valid = 0;
  int64_t invalid = 0;
  for (const JsonValue& group : doc["testGroups"].as_array()) {
    for (const JsonValue& test : group["tests"].as_array()) {
      ++cases;
      SCOPED_TRACE("tcId " + std::to_string(test["tcId"].as_int()) + ": " +
                   test["comment"].as_string());
      const std::string ikm = test["ikm"].as_hex_bytes();
      const std::string salt = test["salt"].as_hex_bytes();
      const std::string info = test["info"].as_hex_bytes();
      const int64_t size = test["size"].as_int();
      ASSERT_GE(size, 0);
      const std::string okm = test["okm"].as_hex_bytes();
      const std::string& result = test["result"].as_string();
      const std::string derived = hkdf_sha256(salt, ikm, info, static_cast<size_t>(size));
      if (result == "valid") {
        ++valid;
        EXPECT_EQ(okm.size(), static_cast<size_t>(size));
        EXPECT_EQ(hex_of(derived), hex_of(okm));
      } else if (result == "invalid") {
        ++invalid;
        EXPECT_GT(size, 255 * 32) << "an invalid case this test does not know";
        EXPECT_EQ(derived, "");
      } else {
        ADD_FAILURE() << "unexpected result " << result;
      }
    }
  }
  EXPECT_EQ(cases, doc["numberOfTests"].as_int());
  EXPECT_EQ(valid + invalid, cases);
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace peerlink
