// X25519 (common/crypto/x25519.h) against every case of Project Wycheproof's x25519_test.json
// (tests/data/, see SOURCES.md): public keys on the twist, non-canonical and low-order points,
// edge cases of the ladder's arithmetic.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/x25519.h"
#include "tests/support/test_data.h"
#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::JsonValue;
using testing::u8;

bool has_flag(const JsonValue& test, std::string_view flag) {
  for (const JsonValue& f : test["flags"].as_array()) {
    if (f.as_string() == flag) return true;
  }
  return false;
}

// "valid": X25519 must give `shared`. "acceptable": inputs a protocol may refuse (points on the
// twist, non-canonical encodings, low-order points) but RFC 7748 defines the result, so it must
// equal `shared` too. Where `shared` is all zero (ZeroSharedSecret, a low-order public key),
// x25519_shared() must refuse it (RFC 7748 section 6.1) and leave `out` zeroed.
TEST(X25519VectorsTest, WycheproofEveryCase) {
  const Expected<JsonValue> file = testing::load_test_json("x25519_test.json");
  ASSERT_TRUE(file.ok()) << file.message();
  const JsonValue& doc = *file;
  ASSERT_EQ(doc["algorithm"].as_string(), "XDH");

  int64_t cases = 0;
  int64_t valid = 0;
  int64_t acceptable = 0;
  int64_t refused = 0;
  const std::string zero(kX25519Bytes, '\0');
  for (const JsonValue& group : doc["testGroups"].as_array()) {
    ASSERT_EQ(group["curve"].as_string(), "curve25519") << group.path();
    for (const JsonValue& test : group["tests"].as_array()) {
      ++cases;
      SCOPED_TRACE("tcId " + std::to_string(test["tcId"].as_int()) + ": " +
                   test["comment"].as_string());
      const std::string private_key = test["private"].as_hex_bytes();
      const std::string public_key = test["public"].as_hex_bytes();
      const std::string shared = test["shared"].as_hex_bytes();
      ASSERT_EQ(private_key.size(), kX25519Bytes);
      ASSERT_EQ(public_key.size(), kX25519Bytes);
      ASSERT_EQ(shared.size(), kX25519Bytes);
      const std::string& result = test["result"].as_string();
      if (result == "valid") {
        ++valid;
      } else if (result == "acceptable") {
        ++acceptable;
      } else {
        ADD_FAILURE() << "unexpected result " << result << " (this test knows no invalid case)";
        continue;
      }

      uint8_t out[kX25519Bytes];
      x25519(out, u8(private_key), u8(public_key));
      EXPECT_EQ(hex_of(out, sizeof out), hex_of(shared));

      const bool zero_shared = shared == zero;
      EXPECT_EQ(zero_shared, has_flag(test, "ZeroSharedSecret"));
      std::fill(out, out + sizeof out, uint8_t{0xa5});
      const bool accepted = x25519_shared(out, u8(private_key), u8(public_key));
      EXPECT_EQ(accepted, !zero_shared);
      EXPECT_EQ(hex_of(out, sizeof out), hex_of(shared));
      if (!accepted) ++refused;
    }
  }
  EXPECT_EQ(cases, doc["numberOfTests"].as_int());
  EXPECT_EQ(valid + acceptable, cases);
  // The file's low-order points: each must have been refused above.
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace peerlink
