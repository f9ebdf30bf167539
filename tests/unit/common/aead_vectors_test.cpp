// AEAD_CHACHA20_POLY1305 (common/crypto/aead.h) against every case of Project Wycheproof's
// chacha20_poly1305_test.json (tests/data/, see SOURCES.md): RFC 7539's vector, pseudorandom
// messages, edge cases of Poly1305 and of the one-time key, and forged tags; through aead_seal /
// aead_open and through every implementation path the CPU has (aead_seal_with / aead_open_with).
#include <string>

#include <gtest/gtest.h>

#include "common/crypto/aead.h"
#include "tests/support/test_data.h"
#include "tests/support/vector_bytes.h"
#include "tests/unit/common/aead_paths.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::JsonValue;
using testing::u8;

// valid: aead_seal() gives ct || tag and aead_open() gives msg back. invalid: aead_open() returns
// false and leaves `out` untouched. A nonce other than 96 bits (or a key other than 256) cannot
// be passed to this API at all: such a case is "not applicable", and each must be invalid.
TEST(AeadVectorsTest, WycheproofEveryCase) {
  const Expected<JsonValue> file = testing::load_test_json("chacha20_poly1305_test.json");
  ASSERT_TRUE(file.ok()) << file.message();
  const JsonValue& doc = *file;
  ASSERT_EQ(doc["algorithm"].as_string(), "CHACHA20-POLY1305");

  int64_t cases = 0;
  int64_t valid = 0;
  int64_t invalid = 0;
  int64_t not_applicable = 0;
  const std::vector<testing::AeadPath> paths = testing::aead_paths();
  ASSERT_FALSE(paths.empty());
  for (const JsonValue& group : doc["testGroups"].as_array()) {
    ASSERT_EQ(group["tagSize"].as_int(), 128) << group.path();
    for (const JsonValue& test : group["tests"].as_array()) {
      ++cases;
      SCOPED_TRACE("tcId " + std::to_string(test["tcId"].as_int()) + ": " +
                   test["comment"].as_string());
      const std::string key = test["key"].as_hex_bytes();
      const std::string nonce = test["iv"].as_hex_bytes();
      const std::string ad = test["aad"].as_hex_bytes();
      const std::string msg = test["msg"].as_hex_bytes();
      const std::string ct = test["ct"].as_hex_bytes();
      const std::string tag = test["tag"].as_hex_bytes();
      const std::string& result = test["result"].as_string();
      ASSERT_TRUE(result == "valid" || result == "invalid") << result;

      EXPECT_EQ(static_cast<int64_t>(nonce.size() * 8), group["ivSize"].as_int());
      EXPECT_EQ(static_cast<int64_t>(key.size() * 8), group["keySize"].as_int());
      if (nonce.size() != kAeadNonceBytes || key.size() != kAeadKeyBytes) {
        ++not_applicable;
        EXPECT_EQ(result, "invalid") << "a valid case this API cannot express";
        continue;
      }

      const std::string sealed = ct + tag;
      const std::string sentinel(sealed.size() + 8, '\x5c');
      if (result == "valid") {
        ++valid;
      } else {
        ++invalid;
      }
      // The default functions first, then each path.
      for (size_t p = 0; p <= paths.size(); ++p) {
        SCOPED_TRACE(p == 0 ? std::string("aead_seal/aead_open") : paths[p - 1].name);
        const AeadImpl impl = p == 0 ? aead_default_impl() : paths[p - 1].impl;
        std::string out = sentinel;
        const bool opened = p == 0 ? aead_open(u8(key), u8(nonce), u8(ad), ad.size(), u8(sealed),
                                               sealed.size(), u8(out))
                                   : aead_open_with(impl, u8(key), u8(nonce), u8(ad), ad.size(),
                                                    u8(sealed), sealed.size(), u8(out));
        if (result == "valid") {
          EXPECT_TRUE(opened);
          EXPECT_EQ(hex_of(out.substr(0, msg.size())), hex_of(msg));
          EXPECT_EQ(out.substr(msg.size()), sentinel.substr(msg.size())) << "wrote past msg";
          std::string sealed_here(msg.size() + kAeadTagBytes, '\0');
          if (p == 0) {
            aead_seal(u8(key), u8(nonce), u8(ad), ad.size(), u8(msg), msg.size(), u8(sealed_here));
          } else {
            aead_seal_with(impl, u8(key), u8(nonce), u8(ad), ad.size(), u8(msg), msg.size(),
                           u8(sealed_here));
          }
          EXPECT_EQ(hex_of(sealed_here), hex_of(sealed));
        } else {
          EXPECT_FALSE(opened);
          EXPECT_EQ(out, sentinel) << "a refused message was written to out";
        }
      }
    }
  }
  EXPECT_EQ(cases, doc["numberOfTests"].as_int());
  EXPECT_EQ(valid + invalid + not_applicable, cases);
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace peerlink
