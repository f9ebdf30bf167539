// Tests for AEAD_CHACHA20_POLY1305 (common/crypto/aead.h) against RFC 8439 section 2.8.2 and
// appendix A.5, and for what aead_open() promises on a forgery: false, `out` untouched.
// Wycheproof's cases are in aead_vectors_test.cpp.
#include "common/crypto/aead.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/vector_bytes.h"
#include "tests/unit/common/rfc8439_vectors.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::u8;
using testing::unhex;

// RFC 8439 section 2.8.2: the nonce is the 32-bit constant 07000000 then the 64-bit IV.
constexpr char k282Key[] = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr char k282Nonce[] = "070000004041424344454647";
constexpr char k282Aad[] = "50515253c0c1c2c3c4c5c6c7";
constexpr char k282Sealed[] =
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116"
    "1ae10b594f09e26a7e902ecbd0600691";  // the tag

// RFC 8439 appendix A.5 (tests/unit/common/rfc8439_vectors.h).
using rfc8439::kA5Aad;
using rfc8439::kA5Key;
using rfc8439::kA5Nonce;
using rfc8439::kA5Sealed;

std::string seal(std::string_view key, std::string_view nonce, std::string_view ad,
                 std::string_view plaintext) {
  std::string out(plaintext.size() + kAeadTagBytes, '\0');
  aead_seal(u8(key), u8(nonce), u8(ad), ad.size(), u8(plaintext), plaintext.size(), u8(out));
  return out;
}

// The plaintext, or "REFUSED" when aead_open() returns false (after checking `out` was not
// touched).
std::string open_sealed(std::string_view key, std::string_view nonce, std::string_view ad,
                        std::string_view sealed) {
  const size_t len = sealed.size() < kAeadTagBytes ? 0 : sealed.size() - kAeadTagBytes;
  const std::string sentinel(len + 8, '\xc3');
  std::string out = sentinel;
  if (!aead_open(u8(key), u8(nonce), u8(ad), ad.size(), u8(sealed), sealed.size(), u8(out))) {
    EXPECT_EQ(out, sentinel) << "a refused message was written to out";
    return "REFUSED";
  }
  EXPECT_EQ(out.substr(len), std::string(8, '\xc3')) << "written past the plaintext";
  return out.substr(0, len);
}

TEST(AeadTest, Rfc8439Section2_8_2Seal) {
  EXPECT_EQ(hex_of(seal(unhex(k282Key), unhex(k282Nonce), unhex(k282Aad), rfc8439::kSunscreen)),
            k282Sealed);
}

TEST(AeadTest, Rfc8439Section2_8_2Open) {
  EXPECT_EQ(open_sealed(unhex(k282Key), unhex(k282Nonce), unhex(k282Aad), unhex(k282Sealed)),
            rfc8439::kSunscreen);
}

TEST(AeadTest, Rfc8439AppendixA5Decryption) {
  EXPECT_EQ(open_sealed(unhex(kA5Key), unhex(kA5Nonce), unhex(kA5Aad), unhex(kA5Sealed)),
            rfc8439::kInternetDrafts);
  EXPECT_EQ(hex_of(seal(unhex(kA5Key), unhex(kA5Nonce), unhex(kA5Aad), rfc8439::kInternetDrafts)),
            kA5Sealed);
}

TEST(AeadTest, InPlace) {
  const std::string key = unhex(k282Key);
  const std::string nonce = unhex(k282Nonce);
  const std::string ad = unhex(k282Aad);
  std::string buffer(rfc8439::kSunscreen);
  buffer.resize(buffer.size() + kAeadTagBytes);
  const size_t len = rfc8439::kSunscreen.size();
  aead_seal(u8(key), u8(nonce), u8(ad), ad.size(), u8(buffer), len, u8(buffer));
  EXPECT_EQ(hex_of(buffer), k282Sealed);
  ASSERT_TRUE(
      aead_open(u8(key), u8(nonce), u8(ad), ad.size(), u8(buffer), buffer.size(), u8(buffer)));
  EXPECT_EQ(buffer.substr(0, len), rfc8439::kSunscreen);
}

// Any one flipped bit in the ciphertext, the tag, the AAD, the nonce or the key is refused.
TEST(AeadTest, EveryFlippedBitIsRefused) {
  const std::string key = unhex(kA5Key);
  const std::string nonce = unhex(kA5Nonce);
  const std::string ad = unhex(kA5Aad);
  const std::string sealed = unhex(kA5Sealed);
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit : {0, 7}) {
      std::string forged = sealed;
      forged[i] = static_cast<char>(forged[i] ^ (1 << bit));
      EXPECT_EQ(open_sealed(key, nonce, ad, forged), "REFUSED")
          << "sealed byte " << i << " bit " << bit;
    }
  }
  for (size_t i = 0; i < ad.size(); ++i) {
    std::string forged = ad;
    forged[i] = static_cast<char>(forged[i] ^ 0x10);
    EXPECT_EQ(open_sealed(key, nonce, forged, sealed), "REFUSED") << "ad byte " << i;
  }
  for (size_t i = 0; i < nonce.size(); ++i) {
    std::string forged = nonce;
    forged[i] = static_cast<char>(forged[i] ^ 0x01);
    EXPECT_EQ(open_sealed(key, forged, ad, sealed), "REFUSED") << "nonce byte " << i;
  }
  std::string other_key = key;
  other_key[31] = static_cast<char>(other_key[31] ^ 0x80);
  EXPECT_EQ(open_sealed(other_key, nonce, ad, sealed), "REFUSED");
  // The AAD's length is authenticated too: one more zero byte is not the same AAD.
  EXPECT_EQ(open_sealed(key, nonce, ad + std::string(1, '\0'), sealed), "REFUSED");
  // Cutting the message short moves the tag.
  EXPECT_EQ(open_sealed(key, nonce, ad, sealed.substr(1)), "REFUSED");
  EXPECT_EQ(open_sealed(key, nonce, ad, sealed.substr(0, sealed.size() - 1)), "REFUSED");
}

TEST(AeadTest, ShorterThanATagIsRefused) {
  const std::string key = unhex(kA5Key);
  const std::string nonce = unhex(kA5Nonce);
  for (size_t len = 0; len < kAeadTagBytes; ++len) {
    EXPECT_EQ(open_sealed(key, nonce, "", std::string(len, '\0')), "REFUSED") << len;
  }
}

TEST(AeadTest, EmptyMessageAndEmptyAad) {
  const std::string key = unhex(kA5Key);
  const std::string nonce = unhex(kA5Nonce);
  const std::string sealed = seal(key, nonce, "", "");
  ASSERT_EQ(sealed.size(), kAeadTagBytes);
  EXPECT_EQ(open_sealed(key, nonce, "", sealed), "");
  EXPECT_EQ(open_sealed(key, nonce, "x", sealed), "REFUSED");
  // The tag of an empty message still depends on the AAD.
  EXPECT_NE(seal(key, nonce, "a", ""), sealed);
}

// Messages of every length around the 16-byte padding and 64-byte block boundaries round-trip,
// and the ciphertext is the ChaCha20 stream from counter 1 (so it differs from the plaintext).
TEST(AeadTest, RoundTripsAcrossLengths) {
  const std::string key = unhex(k282Key);
  const std::string nonce = unhex(k282Nonce);
  for (size_t len = 0; len <= 200; ++len) {
    std::string plaintext(len, '\0');
    for (size_t i = 0; i < len; ++i) plaintext[i] = static_cast<char>(i * 31 + len);
    const std::string ad(len % 19, 'a');
    const std::string sealed = seal(key, nonce, ad, plaintext);
    ASSERT_EQ(sealed.size(), len + kAeadTagBytes);
    EXPECT_EQ(open_sealed(key, nonce, ad, sealed), plaintext) << len;
    if (len >= 8) {
      EXPECT_NE(sealed.substr(0, len), plaintext) << len;
    }
  }
}

}  // namespace
}  // namespace peerlink
