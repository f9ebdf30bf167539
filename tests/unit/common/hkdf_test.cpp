// Tests for HKDF-SHA-256 (common/crypto/hkdf.h) against RFC 5869 appendix A.1 to A.3, its
// output-length limit, and Noise's two- and three-output HKDF (Noise revision 34, section 4.3),
// which must be RFC 5869's HKDF with the chaining key as salt and an empty info, split in 32-byte
// pieces. Wycheproof's cases are in hkdf_vectors_test.cpp.
#include "common/crypto/hkdf.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::unhex;

std::string hkdf_hex(std::string_view salt_hex, std::string_view ikm_hex, std::string_view info_hex,
                     size_t length) {
  return hex_of(hkdf_sha256(unhex(salt_hex), unhex(ikm_hex), unhex(info_hex), length));
}

// RFC 5869 appendix A.1: basic test case with SHA-256.
TEST(HkdfTest, Rfc5869A1Basic) {
  EXPECT_EQ(hkdf_hex("000102030405060708090a0b0c", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
                     "f0f1f2f3f4f5f6f7f8f9", 42),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// RFC 5869 appendix A.2: longer inputs and outputs (82 bytes: three HMAC blocks).
TEST(HkdfTest, Rfc5869A2LongerInputsAndOutputs) {
  EXPECT_EQ(hkdf_hex("606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
                     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                     "404142434445464748494a4b4c4d4e4f",
                     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
                     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
                     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                     82),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

// RFC 5869 appendix A.3: zero-length salt and info.
TEST(HkdfTest, Rfc5869A3EmptySaltAndInfo) {
  EXPECT_EQ(hkdf_hex("", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", 42),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// RFC 5869 section 2.3: L <= 255 * HashLen. Beyond it the result is empty.
TEST(HkdfTest, Rfc5869LengthLimit) {
  EXPECT_EQ(hkdf_sha256("salt", "ikm", "info", 255 * 32).size(), 255u * 32u);
  EXPECT_EQ(hkdf_sha256("salt", "ikm", "info", 255 * 32 + 1), "");
  EXPECT_EQ(hkdf_sha256("salt", "ikm", "info", size_t{1} << 40), "");
  EXPECT_EQ(hkdf_sha256("salt", "ikm", "info", 0), "");
}

// A shorter output is a prefix of a longer one (the blocks T(1), T(2), ... do not depend on L).
TEST(HkdfTest, ShorterOutputIsAPrefix) {
  const std::string longest = hkdf_sha256("s", "k", "i", 200);
  for (size_t length = 1; length < 200; length += 7) {
    EXPECT_EQ(hkdf_sha256("s", "k", "i", length), longest.substr(0, length)) << length;
  }
}

Sha256::Digest digest_of(std::string_view bytes) {
  Sha256::Digest d{};
  EXPECT_EQ(bytes.size(), d.size());
  for (size_t i = 0; i < d.size() && i < bytes.size(); ++i) d[i] = static_cast<uint8_t>(bytes[i]);
  return d;
}

std::string bytes_of(const Sha256::Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// Noise section 4.3: HKDF(chaining_key, input_key_material, n) is RFC 5869's HKDF with salt =
// chaining_key, info = "", L = 32 * n. Inputs as Noise gives them: empty (Split()), a 32-byte DH
// output, a pre-shared key, and odd sizes.
TEST(HkdfTest, NoiseHkdfIsRfc5869Split) {
  const std::string chaining_keys[] = {
      std::string(32, '\0'),
      std::string("Noise_XX_25519_ChaChaPoly_SHA256"),  // 32 bytes: Noise's h = protocol name
      unhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf")};
  const std::string ikms[] = {
      "", std::string(32, '\x42'), std::string(1, '\0'), std::string(100, '\x99'),
      unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")};
  for (const std::string& ck_bytes : chaining_keys) {
    const Sha256::Digest ck = digest_of(ck_bytes);
    for (const std::string& ikm : ikms) {
      SCOPED_TRACE("ck " + hex_of(ck_bytes) + " ikm " + hex_of(ikm));
      const std::string rfc = hkdf_sha256(ck_bytes, ikm, "", 96);
      const NoiseHkdfOutputs two = noise_hkdf2(ck, ikm);
      EXPECT_EQ(hex_of(bytes_of(two.first)), hex_of(rfc.substr(0, 32)));
      EXPECT_EQ(hex_of(bytes_of(two.second)), hex_of(rfc.substr(32, 32)));
      EXPECT_EQ(two.third, Sha256::Digest{}) << "noise_hkdf2 fills only two outputs";
      EXPECT_EQ(hex_of(bytes_of(two.first) + bytes_of(two.second)),
                hex_of(hkdf_sha256(ck_bytes, ikm, "", 64)));
      const NoiseHkdfOutputs three = noise_hkdf3(ck, ikm);
      EXPECT_EQ(hex_of(bytes_of(three.first) + bytes_of(three.second) + bytes_of(three.third)),
                hex_of(rfc));
    }
  }
}

}  // namespace
}  // namespace peerlink
