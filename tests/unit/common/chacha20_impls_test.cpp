// Tests for the ChaCha20 implementations (chacha20.h): each one the CPU can run against the RFC
// 8439 section 2.4.2 vector, against chacha20_block, and against the portable code on random keys,
// nonces and counters (the 32-bit counter wrapping included) for every length 0..4096, in place
// and out of place, at unaligned addresses; and which one chacha20_xor uses.
#include "common/crypto/chacha20.h"

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/base/hex.h"

namespace peerlink {
namespace {

using Bytes = std::vector<uint8_t>;

struct Params {
  uint8_t key[kChaCha20KeyBytes];
  uint8_t nonce[kChaCha20NonceBytes];
  uint32_t counter;
};

Params random_params(std::mt19937& rng) {
  Params p;
  for (auto& b : p.key) b = static_cast<uint8_t>(rng());
  for (auto& b : p.nonce) b = static_cast<uint8_t>(rng());
  p.counter = static_cast<uint32_t>(rng());
  return p;
}

Bytes random_bytes(std::mt19937& rng, size_t len) {
  Bytes v(len);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

Bytes portable(const Params& p, const Bytes& in) {
  Bytes out(in.size());
  chacha20_xor_with(ChaCha20Impl::kPortable, p.key, p.nonce, p.counter, in.data(), out.data(),
                    in.size());
  return out;
}

// Runs `impl` out of place from in_at to out_at (offsets into buffers with guard bytes around)
// and in place at in_at; both must equal the portable result and leave the guards alone.
void expect_same_as_portable(ChaCha20Impl impl, const Params& p, const Bytes& in, size_t in_at,
                             size_t out_at) {
  const Bytes want = portable(p, in);
  constexpr size_t kGuard = 64;
  constexpr uint8_t kFill = 0xA5;
  const size_t len = in.size();
  SCOPED_TRACE("len " + std::to_string(len) + " counter " + std::to_string(p.counter) +
               " offsets " + std::to_string(in_at) + "/" + std::to_string(out_at));

  Bytes src(in_at + len + kGuard, kFill), dst(out_at + len + kGuard, kFill);
  if (len > 0) std::memcpy(src.data() + in_at, in.data(), len);  // in.data() may be null at 0
  chacha20_xor_with(impl, p.key, p.nonce, p.counter, src.data() + in_at, dst.data() + out_at, len);
  ASSERT_EQ(
      Bytes(dst.begin() + static_cast<long>(out_at), dst.begin() + static_cast<long>(out_at + len)),
      want);
  for (size_t i = 0; i < out_at; ++i) ASSERT_EQ(dst[i], kFill) << "before the output, " << i;
  for (size_t i = out_at + len; i < dst.size(); ++i) ASSERT_EQ(dst[i], kFill) << "after, " << i;
  ASSERT_EQ(
      Bytes(src.begin() + static_cast<long>(in_at), src.begin() + static_cast<long>(in_at + len)),
      in)
      << "out of place must not write the input";

  chacha20_xor_with(impl, p.key, p.nonce, p.counter, src.data() + in_at, src.data() + in_at, len);
  ASSERT_EQ(
      Bytes(src.begin() + static_cast<long>(in_at), src.begin() + static_cast<long>(in_at + len)),
      want)
      << "in place";
  for (size_t i = in_at + len; i < src.size(); ++i) ASSERT_EQ(src[i], kFill) << "in place, " << i;
}

class ChaCha20ImplTest : public ::testing::TestWithParam<ChaCha20Impl> {
 protected:
  void SetUp() override {
    if (!chacha20_has(GetParam()))
      GTEST_SKIP() << chacha20_impl_name(GetParam()) << " not on this CPU";
  }
};

// RFC 8439, section 2.4.2.
constexpr char kRfcPlaintext[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";
constexpr char kRfcCiphertextHex[] =
    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
    "5af90bbf74a35be6b40b8eedf2785e42874d";

void rfc_params(Params& p) {
  for (size_t i = 0; i < kChaCha20KeyBytes; ++i) p.key[i] = static_cast<uint8_t>(i);
  std::memset(p.nonce, 0, sizeof p.nonce);
  p.nonce[7] = 0x4a;
  p.counter = 1;
}

TEST_P(ChaCha20ImplTest, Rfc8439Section242) {
  Params p;
  rfc_params(p);
  const size_t len = sizeof kRfcPlaintext - 1;
  ASSERT_EQ(len, 114u);
  Bytes out(len);
  chacha20_xor_with(GetParam(), p.key, p.nonce, p.counter,
                    reinterpret_cast<const uint8_t*>(kRfcPlaintext), out.data(), len);
  EXPECT_EQ(to_hex(out.data(), out.size()), kRfcCiphertextHex);
}

// 114 bytes are less than one SIMD batch; padded to 2 KiB the vector's bytes go through the
// 4-, 8- and 16-block code.
TEST_P(ChaCha20ImplTest, Rfc8439Section242InsideAWideBatch) {
  Params p;
  rfc_params(p);
  Bytes in(2048, 0);
  std::memcpy(in.data(), kRfcPlaintext, sizeof kRfcPlaintext - 1);
  Bytes out(in.size());
  chacha20_xor_with(GetParam(), p.key, p.nonce, p.counter, in.data(), out.data(), in.size());
  EXPECT_EQ(to_hex(out.data(), sizeof kRfcPlaintext - 1), kRfcCiphertextHex);
  EXPECT_EQ(out, portable(p, in));
}

// The keystream is chacha20_block of counter, counter + 1, ... (checked on its own, not only
// against the portable xor).
TEST_P(ChaCha20ImplTest, KeystreamIsTheBlockFunction) {
  std::mt19937 rng(7);
  for (int run = 0; run < 20; ++run) {
    const Params p = random_params(rng);
    const Bytes zeros(40 * kChaCha20BlockBytes, 0);
    Bytes stream(zeros.size());
    chacha20_xor_with(GetParam(), p.key, p.nonce, p.counter, zeros.data(), stream.data(),
                      zeros.size());
    for (uint32_t b = 0; b < 40; ++b) {
      uint8_t block[kChaCha20BlockBytes];
      chacha20_block(p.key, p.nonce, p.counter + b, block);
      ASSERT_EQ(0, std::memcmp(block, stream.data() + b * kChaCha20BlockBytes, sizeof block))
          << "block " << b << " of counter " << p.counter;
    }
  }
}

TEST_P(ChaCha20ImplTest, SameAsPortableForEveryLengthUpTo4096) {
  std::mt19937 rng(1 + static_cast<unsigned>(GetParam()));
  for (size_t len = 0; len <= 4096; ++len) {
    const Params p = random_params(rng);
    const Bytes in = random_bytes(rng, len);
    // Aligned for a third of the lengths, otherwise both pointers off by 1..31 bytes.
    const size_t in_at = len % 3 == 0 ? 0 : 1 + len % 31;
    const size_t out_at = len % 3 == 0 ? 0 : 1 + (len * 7) % 31;
    expect_same_as_portable(GetParam(), p, in, in_at, out_at);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// The 32-bit block counter wraps to 0 (RFC 8439: the portable code counts mod 2^32) inside a
// batch, at its edge, and in the tail.
TEST_P(ChaCha20ImplTest, CounterWrapsLikePortable) {
  std::mt19937 rng(99);
  for (uint32_t back = 0; back < 24; ++back) {
    for (size_t len : {size_t{64}, size_t{255}, size_t{256}, size_t{511}, size_t{512}, size_t{700},
                       size_t{1024}, size_t{1600}, size_t{2049}}) {
      Params p = random_params(rng);
      p.counter = 0xFFFFFFFFu - back;
      expect_same_as_portable(GetParam(), p, random_bytes(rng, len), 3, 5);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // Independently of the portable code: the block after 2^32 - 1 is block 0.
  Params p = random_params(rng);
  p.counter = 0xFFFFFFFDu;
  const Bytes zeros(16 * kChaCha20BlockBytes, 0);
  Bytes stream(zeros.size());
  chacha20_xor_with(GetParam(), p.key, p.nonce, p.counter, zeros.data(), stream.data(),
                    zeros.size());
  uint8_t block0[kChaCha20BlockBytes];
  chacha20_block(p.key, p.nonce, 0, block0);
  EXPECT_EQ(0, std::memcmp(block0, stream.data() + 3 * kChaCha20BlockBytes, sizeof block0));
}

INSTANTIATE_TEST_SUITE_P(Impls, ChaCha20ImplTest,
                         ::testing::Values(ChaCha20Impl::kPortable, ChaCha20Impl::kSse2,
                                           ChaCha20Impl::kAvx2, ChaCha20Impl::kAvx512),
                         [](const ::testing::TestParamInfo<ChaCha20Impl>& param_info) {
                           return std::string(chacha20_impl_name(param_info.param));
                         });

TEST(ChaCha20DispatchTest, PortableIsAlwaysThere) {
  EXPECT_TRUE(chacha20_has(ChaCha20Impl::kPortable));
}

#if defined(__x86_64__)
TEST(ChaCha20DispatchTest, Sse2IsThereOnX86_64) { EXPECT_TRUE(chacha20_has(ChaCha20Impl::kSse2)); }
#endif

// Without PEERLINK_CHACHA20 the widest the CPU has; with it, the one it names if the CPU has it.
TEST(ChaCha20DispatchTest, ChoosesTheWidestOrTheForcedOne) {
  const char* forced = std::getenv("PEERLINK_CHACHA20");
  std::string want = chacha20_has(ChaCha20Impl::kAvx512) ? "avx512"
                     : chacha20_has(ChaCha20Impl::kAvx2) ? "avx2"
                     : chacha20_has(ChaCha20Impl::kSse2) ? "sse2"
                                                         : "portable";
  if (forced != nullptr) {
    const std::string f = forced;
    if (f == "portable" || (f == "sse2" && chacha20_has(ChaCha20Impl::kSse2)) ||
        (f == "avx2" && chacha20_has(ChaCha20Impl::kAvx2)) ||
        (f == "avx512" && chacha20_has(ChaCha20Impl::kAvx512))) {
      want = f;
    }
  }
  EXPECT_EQ(chacha20_impl_name(), want);

  std::mt19937 rng(5);
  const Params p = random_params(rng);
  const Bytes in = random_bytes(rng, 3000);
  Bytes out(in.size());
  chacha20_xor(p.key, p.nonce, p.counter, in.data(), out.data(), in.size());
  EXPECT_EQ(out, portable(p, in));
}

}  // namespace
}  // namespace peerlink
