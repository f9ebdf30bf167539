// Tests for X25519 (common/crypto/x25519.h) against the vectors of RFC 7748 sections 5.2 and 6.1,
// and for the low-order point refusal of x25519_shared. Wycheproof's cases are in
// x25519_vectors_test.cpp.
#include "common/crypto/x25519.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::u8;
using testing::unhex;

std::string x25519_hex(std::string_view scalar_hex, std::string_view u_hex) {
  const std::string scalar = unhex(scalar_hex);
  const std::string u = unhex(u_hex);
  uint8_t out[kX25519Bytes];
  x25519(out, u8(scalar), u8(u));
  return hex_of(out, sizeof out);
}

// RFC 7748 section 5.2, the two single-call test vectors.
TEST(X25519Test, Rfc7748Section5_2FirstVector) {
  EXPECT_EQ(x25519_hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                       "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

// The input u has its top bit set (0x93 at the end): decodeUCoordinate must mask it.
TEST(X25519Test, Rfc7748Section5_2SecondVector) {
  EXPECT_EQ(x25519_hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                       "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"),
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

// RFC 7748 section 5.2, the iterated test: k = u = 9; then repeatedly k, u = X25519(k, u), k.
std::string iterate_x25519(int iterations) {
  uint8_t k[kX25519Bytes] = {9};
  uint8_t u[kX25519Bytes] = {9};
  for (int i = 0; i < iterations; ++i) {
    uint8_t next[kX25519Bytes];
    x25519(next, k, u);
    std::memcpy(u, k, sizeof k);
    std::memcpy(k, next, sizeof k);
  }
  return hex_of(k, sizeof k);
}

TEST(X25519Test, Rfc7748Section5_2OneIteration) {
  EXPECT_EQ(iterate_x25519(1), "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
}

TEST(X25519Test, Rfc7748Section5_2ThousandIterations) {
  EXPECT_EQ(iterate_x25519(1000),
            "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
}

// Minutes of work: run it by hand with --gtest_also_run_disabled_tests.
TEST(X25519Test, DISABLED_Rfc7748Section5_2MillionIterations) {
  EXPECT_EQ(iterate_x25519(1000000),
            "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424");
}

// RFC 7748 section 6.1: Alice's and Bob's key pairs and their shared secret.
constexpr char kAlicePrivate[] = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
constexpr char kAlicePublic[] = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
constexpr char kBobPrivate[] = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
constexpr char kBobPublic[] = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
constexpr char kShared[] = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

TEST(X25519Test, Rfc7748Section6_1PublicKeys) {
  const std::string alice = unhex(kAlicePrivate);
  const std::string bob = unhex(kBobPrivate);
  uint8_t out[kX25519Bytes];
  x25519_base(out, u8(alice));
  EXPECT_EQ(hex_of(out, sizeof out), kAlicePublic);
  x25519_base(out, u8(bob));
  EXPECT_EQ(hex_of(out, sizeof out), kBobPublic);
}

TEST(X25519Test, Rfc7748Section6_1SharedSecretBothWays) {
  const std::string alice = unhex(kAlicePrivate);
  const std::string alice_public = unhex(kAlicePublic);
  const std::string bob = unhex(kBobPrivate);
  const std::string bob_public = unhex(kBobPublic);
  uint8_t out[kX25519Bytes];
  ASSERT_TRUE(x25519_shared(out, u8(alice), u8(bob_public)));
  EXPECT_EQ(hex_of(out, sizeof out), kShared);
  std::fill(out, out + sizeof out, uint8_t{0});
  ASSERT_TRUE(x25519_shared(out, u8(bob), u8(alice_public)));
  EXPECT_EQ(hex_of(out, sizeof out), kShared);
}

TEST(X25519Test, Rfc7748Section6_1FromPrivate) {
  X25519Key alice{};
  const std::string bytes = unhex(kAlicePrivate);
  std::memcpy(alice.data(), bytes.data(), alice.size());
  const X25519KeyPair pair = x25519_from_private(alice);
  EXPECT_EQ(pair.private_key, alice);
  EXPECT_EQ(hex_of(pair.public_key.data(), pair.public_key.size()), kAlicePublic);
}

// RFC 7748 section 6.1: a low-order public point gives the all-zero secret, which the caller
// must refuse; `out` is then zeroed. u = 0 and u = 1 are two such points.
TEST(X25519Test, Rfc7748Section6_1AllZeroSecretIsRefused) {
  const std::string alice = unhex(kAlicePrivate);
  for (const char* point : {"0000000000000000000000000000000000000000000000000000000000000000",
                            "0100000000000000000000000000000000000000000000000000000000000000"}) {
    const std::string u = unhex(point);
    uint8_t out[kX25519Bytes];
    std::fill(out, out + sizeof out, uint8_t{0xa5});
    EXPECT_FALSE(x25519_shared(out, u8(alice), u8(u))) << point;
    EXPECT_EQ(hex_of(out, sizeof out), std::string(64, '0')) << point;
  }
}

TEST(X25519Test, GeneratedPairsAgree) {
  const X25519KeyPair a = x25519_generate();
  const X25519KeyPair b = x25519_generate();
  EXPECT_NE(a.private_key, b.private_key);
  EXPECT_EQ(x25519_from_private(a.private_key).public_key, a.public_key);
  uint8_t ab[kX25519Bytes];
  uint8_t ba[kX25519Bytes];
  ASSERT_TRUE(x25519_shared(ab, a.private_key.data(), b.public_key.data()));
  ASSERT_TRUE(x25519_shared(ba, b.private_key.data(), a.public_key.data()));
  EXPECT_EQ(hex_of(ab, sizeof ab), hex_of(ba, sizeof ba));
}

}  // namespace
}  // namespace peerlink
