// Tests for the AEAD on every implementation path (aead_seal_with / aead_open_with, see
// aead_paths.h): RFC 8439 section 2.8.2 (seal and open) and appendix A.5 (open), and a
// differential test against the portable path: random keys, nonces, AAD and messages of lengths
// 0..70000 with every tail (each length mod 64, so each mod 16), sealed out of place and in place,
// opened, and refused with `out` untouched when one bit of the ciphertext, the tag or the AAD is
// flipped.
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/crypto/aead.h"
#include "tests/support/vector_bytes.h"
#include "tests/unit/common/aead_paths.h"
#include "tests/unit/common/rfc8439_vectors.h"

namespace peerlink {
namespace {

using testing::AeadPath;
using testing::hex_of;
using testing::u8;
using testing::unhex;

const AeadImpl kPortable{ChaCha20Impl::kPortable, Poly1305Impl::kPortable};

std::string seal(AeadImpl impl, const std::string& key, const std::string& nonce,
                 const std::string& ad, const std::string& plaintext) {
  std::string out(plaintext.size() + kAeadTagBytes, '\0');
  aead_seal_with(impl, u8(key), u8(nonce), u8(ad), ad.size(), u8(plaintext), plaintext.size(),
                 u8(out));
  return out;
}

// The plaintext, or "REFUSED" (after checking that `out` was left untouched).
std::string open_sealed(AeadImpl impl, const std::string& key, const std::string& nonce,
                        const std::string& ad, const std::string& sealed) {
  const size_t len = sealed.size() < kAeadTagBytes ? 0 : sealed.size() - kAeadTagBytes;
  const std::string sentinel(len + 8, '\xc3');
  std::string out = sentinel;
  if (!aead_open_with(impl, u8(key), u8(nonce), u8(ad), ad.size(), u8(sealed), sealed.size(),
                      u8(out))) {
    EXPECT_EQ(out, sentinel) << "a refused message was written to out";
    return "REFUSED";
  }
  EXPECT_EQ(out.substr(len), std::string(8, '\xc3')) << "written past the plaintext";
  return out.substr(0, len);
}

class AeadPathTest : public ::testing::TestWithParam<AeadPath> {};

// RFC 8439 section 2.8.2.
TEST_P(AeadPathTest, Rfc8439Section2_8_2) {
  const std::string key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const std::string nonce = unhex("070000004041424344454647");
  const std::string ad = unhex("50515253c0c1c2c3c4c5c6c7");
  const std::string sealed = unhex(
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
      "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
      "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
      "3ff4def08e4b7a9de576d26586cec64b6116"
      "1ae10b594f09e26a7e902ecbd0600691");
  const std::string plaintext(rfc8439::kSunscreen);
  EXPECT_EQ(hex_of(seal(GetParam().impl, key, nonce, ad, plaintext)), hex_of(sealed));
  EXPECT_EQ(open_sealed(GetParam().impl, key, nonce, ad, sealed), plaintext);
}

// RFC 8439 appendix A.5 (decryption only, as in the RFC).
TEST_P(AeadPathTest, Rfc8439AppendixA5) {
  const std::string key = unhex(rfc8439::kA5Key);
  const std::string nonce = unhex(rfc8439::kA5Nonce);
  const std::string ad = unhex(rfc8439::kA5Aad);
  const std::string sealed = unhex(rfc8439::kA5Sealed);
  EXPECT_EQ(open_sealed(GetParam().impl, key, nonce, ad, sealed),
            std::string(rfc8439::kInternetDrafts));
}

std::string random_bytes(std::mt19937& rng, size_t len) {
  std::string v(len, '\0');
  for (auto& b : v) b = static_cast<char>(rng());
  return v;
}

// For each tail r = 0..63: lengths r, r + 64 k for k around the 4-, 8- and 16-block batches and
// the 16 KiB chunks of aead_seal, and one random length up to 70000.
std::vector<size_t> lengths(std::mt19937& rng) {
  std::vector<size_t> out;
  for (size_t r = 0; r < 64; ++r) {
    for (size_t k : {0u, 1u, 3u, 4u, 7u, 8u, 15u, 16u, 17u, 255u, 256u, 257u})
      out.push_back(r + 64 * k);
    out.push_back(r + 64 * (rng() % (70000 / 64)));
  }
  return out;
}

TEST_P(AeadPathTest, SameAsPortableOnRandomMessages) {
  const AeadImpl impl = GetParam().impl;
  std::mt19937 rng(static_cast<unsigned>(GetParam().name.size()) * 7919u + 3u);
  for (size_t len : lengths(rng)) {
    SCOPED_TRACE("len " + std::to_string(len));
    const std::string key = random_bytes(rng, kAeadKeyBytes);
    const std::string nonce = random_bytes(rng, kAeadNonceBytes);
    const std::string ad = random_bytes(rng, rng() % 40);
    const std::string plaintext = random_bytes(rng, len);
    const std::string want = seal(kPortable, key, nonce, ad, plaintext);
    ASSERT_EQ(seal(impl, key, nonce, ad, plaintext), want);
    ASSERT_EQ(open_sealed(impl, key, nonce, ad, want), plaintext);

    if (len % 7 == 0) {  // in place, as the Noise transport does it
      std::string buffer = plaintext + std::string(kAeadTagBytes, '\0');
      aead_seal_with(impl, u8(key), u8(nonce), u8(ad), ad.size(), u8(buffer), len, u8(buffer));
      ASSERT_EQ(buffer, want) << "sealed in place";
      ASSERT_TRUE(aead_open_with(impl, u8(key), u8(nonce), u8(ad), ad.size(), u8(buffer),
                                 buffer.size(), u8(buffer)));
      ASSERT_EQ(buffer.substr(0, len), plaintext) << "opened in place";
    }

    std::string forged = want;
    const size_t at = rng() % forged.size();  // ciphertext or tag
    forged[at] = static_cast<char>(forged[at] ^ (1 << (rng() % 8)));
    ASSERT_EQ(open_sealed(impl, key, nonce, ad, forged), "REFUSED") << "flipped byte " << at;
    std::string other_ad = ad + "x";
    ASSERT_EQ(open_sealed(impl, key, nonce, other_ad, want), "REFUSED") << "other AAD";
    if (::testing::Test::HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, AeadPathTest, ::testing::ValuesIn(testing::aead_paths()),
                         [](const ::testing::TestParamInfo<AeadPath>& param_info) {
                           std::string name;
                           for (char c : param_info.param.name) {
                             if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                           }
                           return name;
                         });

}  // namespace
}  // namespace peerlink
