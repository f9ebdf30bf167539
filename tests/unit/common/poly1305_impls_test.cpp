// Tests for the Poly1305 implementations (poly1305.h) against each other and against sums worked
// out by hand (RFC 8439, section 2.5: the tag is ((sum of (block + 2^128) r^k) mod p + s) mod
// 2^128): random keys and messages of every length 0..1100 and up to 70000 fed in random pieces,
// the largest limbs (r clamped from all-0xff bytes, all-0xff messages), and messages that leave
// the accumulator at p - 1, p and p + 1 after passing through the four-way code.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/crypto/poly1305.h"
#include "tests/support/vector_bytes.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::unhex;
using Bytes = std::vector<uint8_t>;

class Poly1305ImplTest : public ::testing::TestWithParam<Poly1305Impl> {
 protected:
  void SetUp() override {
    if (!poly1305_has(GetParam())) {
      GTEST_SKIP() << poly1305_impl_name(GetParam()) << " not on this CPU";
    }
  }
};

std::string tag_of(Poly1305Impl impl, const uint8_t key[kPoly1305KeyBytes], const Bytes& m) {
  uint8_t tag[kPoly1305TagBytes];
  poly1305_with(impl, tag, key, m.data(), m.size());
  return hex_of(tag, sizeof tag);
}

// The same message in pieces of random sizes (some empty, some long enough for the vector code).
std::string tag_in_pieces(Poly1305Impl impl, const uint8_t key[kPoly1305KeyBytes], const Bytes& m,
                          std::mt19937& rng) {
  Poly1305 mac(key, impl);
  size_t done = 0;
  while (done < m.size()) {
    const size_t piece =
        std::min<size_t>(m.size() - done, rng() % 3 == 0 ? rng() % 17 : rng() % 3000);
    mac.update(m.data() + done, piece);
    done += piece;
  }
  uint8_t tag[kPoly1305TagBytes];
  mac.finish(tag);
  return hex_of(tag, sizeof tag);
}

Bytes random_bytes(std::mt19937& rng, size_t len) {
  Bytes v(len);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

TEST_P(Poly1305ImplTest, SameAsPortableForEveryLengthUpTo1100) {
  std::mt19937 rng(11);
  for (size_t len = 0; len <= 1100; ++len) {
    const Bytes key = random_bytes(rng, kPoly1305KeyBytes);
    const Bytes m = random_bytes(rng, len);
    const std::string want = tag_of(Poly1305Impl::kPortable, key.data(), m);
    ASSERT_EQ(tag_of(GetParam(), key.data(), m), want) << "len " << len;
    ASSERT_EQ(tag_in_pieces(GetParam(), key.data(), m, rng), want) << "in pieces, len " << len;
  }
}

TEST_P(Poly1305ImplTest, SameAsPortableForLongMessages) {
  std::mt19937 rng(12);
  for (int run = 0; run < 60; ++run) {
    const Bytes key = random_bytes(rng, kPoly1305KeyBytes);
    const Bytes m = random_bytes(rng, rng() % 70001);
    const std::string want = tag_of(Poly1305Impl::kPortable, key.data(), m);
    ASSERT_EQ(tag_of(GetParam(), key.data(), m), want) << "len " << m.size();
    ASSERT_EQ(tag_in_pieces(GetParam(), key.data(), m, rng), want) << "in pieces";
  }
}

// Every limb at its largest: r from all-0xff bytes (clamped to 0x0ffffffc0ffffffc...), all-0xff
// blocks, s all ones (the final addition wraps), and the same with random messages.
TEST_P(Poly1305ImplTest, LargestLimbs) {
  std::mt19937 rng(13);
  const Bytes key(kPoly1305KeyBytes, 0xff);
  for (size_t len : {size_t{16}, size_t{63}, size_t{64}, size_t{65}, size_t{127}, size_t{128},
                     size_t{1024}, size_t{4099}, size_t{65519}, size_t{70000}}) {
    const Bytes ones(len, 0xff);
    EXPECT_EQ(tag_of(GetParam(), key.data(), ones),
              tag_of(Poly1305Impl::kPortable, key.data(), ones))
        << "all ones, len " << len;
    const Bytes m = random_bytes(rng, len);
    EXPECT_EQ(tag_of(GetParam(), key.data(), m), tag_of(Poly1305Impl::kPortable, key.data(), m))
        << "random, len " << len;
  }
}

// With r = 1 every power of r is 1, so h = sum of (block + 2^128) mod p, and with s = 0 the tag is
// h mod 2^128. A group is three all-0xff blocks and one of 2^128 - x (its first byte 0x100 - x,
// the others 0xff), `groups` times.
std::string near_p_tag(Poly1305Impl impl, uint8_t last_low_byte, int groups) {
  const std::string key = unhex("01000000000000000000000000000000") + std::string(16, '\0');
  Bytes m;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < 3; ++i) m.insert(m.end(), 16, 0xff);
    m.push_back(last_low_byte);
    m.insert(m.end(), 15, 0xff);
  }
  return tag_of(impl, reinterpret_cast<const uint8_t*>(key.data()), m);
}

TEST_P(Poly1305ImplTest, AccumulatorNearP) {
  // One group: the blocks sum to 3 (2^128 - 1) + (2^128 - x) = 2^130 - 3 - x, the four 2^128 bits
  // to 2^130: h = 2^131 - 3 - x = 10 - 3 - x = 7 - x (mod p). x = 8: p - 1 (tag 2^128 - 6); x = 7:
  // p, so 0; x = 6: p + 1, so 1.
  EXPECT_EQ(near_p_tag(GetParam(), 0xf8, 1), "faffffffffffffffffffffffffffffff");
  EXPECT_EQ(near_p_tag(GetParam(), 0xf9, 1), "00000000000000000000000000000000");
  EXPECT_EQ(near_p_tag(GetParam(), 0xfa, 1), "01000000000000000000000000000000");
  // n groups: n (7 - x), so 0 for x = 7 and n for x = 6, through many four-way steps.
  for (int groups : {2, 4, 5, 64}) {
    SCOPED_TRACE("groups " + std::to_string(groups));
    EXPECT_EQ(near_p_tag(GetParam(), 0xf9, groups), "00000000000000000000000000000000");
    uint8_t n[16] = {static_cast<uint8_t>(groups)};
    EXPECT_EQ(near_p_tag(GetParam(), 0xfa, groups), hex_of(n, sizeof n));
  }
}

INSTANTIATE_TEST_SUITE_P(Impls, Poly1305ImplTest,
                         ::testing::Values(Poly1305Impl::kPortable, Poly1305Impl::kAvx2,
                                           Poly1305Impl::kAvx512),
                         [](const ::testing::TestParamInfo<Poly1305Impl>& param_info) {
                           return std::string(poly1305_impl_name(param_info.param));
                         });

// Without PEERLINK_POLY1305 the widest the CPU has; with it, the one it names if the CPU has it.
TEST(Poly1305DispatchTest, ChoosesTheWidestOrTheForcedOne) {
  std::string want = poly1305_has(Poly1305Impl::kAvx512) ? "avx512"
                     : poly1305_has(Poly1305Impl::kAvx2) ? "avx2"
                                                         : "portable";
  const char* forced = std::getenv("PEERLINK_POLY1305");
  if (forced != nullptr) {
    const std::string f = forced;
    if (f == "portable" || (f == "avx2" && poly1305_has(Poly1305Impl::kAvx2))) want = f;
  }
  EXPECT_EQ(poly1305_impl_name(poly1305_default_impl()), want);
  EXPECT_TRUE(poly1305_has(Poly1305Impl::kPortable));
}

}  // namespace
}  // namespace peerlink
