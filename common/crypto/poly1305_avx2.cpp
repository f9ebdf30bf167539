// The AVX2 back end of poly1305.h (declared in poly1305_avx2.h). Four lanes of 64 bits, each
// running Horner's rule on every fourth block with r^4: lane j holds h_j, and
// h = sum_j h_j r^(4 - j) at the end (RFC 8439, section 2.5, reordered: multiplication mod p
// distributes over the sum). Limbs are 26 bits so that _mm256_mul_epu32 (32 x 32 -> 64 bits)
// forms each partial product and a sum of five fits in 64 bits; the carries are lazy (limbs stay
// a little above 2^26). No branch or index depends on the key or the message, only on the length.
#include "common/crypto/poly1305_avx2.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

namespace peerlink::poly1305_detail {
namespace {

using V = __m256i;

#define PEERLINK_AVX2 __attribute__((target("avx2"), always_inline)) inline

PEERLINK_AVX2 V add(V a, V b) { return _mm256_add_epi64(a, b); }
PEERLINK_AVX2 V mul(V a, V b) { return _mm256_mul_epu32(a, b); }
PEERLINK_AVX2 V times5(V a) { return add(a, _mm256_slli_epi64(a, 2)); }

// One carry step: the bits of `from` above 26 move to `to` (times `factor`, 1 or 5).
PEERLINK_AVX2 void carry(V& from, V& to, V mask26) {
  const V c = _mm256_srli_epi64(from, 26);
  from = _mm256_and_si256(from, mask26);
  to = add(to, c);
}

// h = h * r mod p in every lane; s[i] = 5 r[i] (2^130 = 5 mod p folds the high products down).
// With h limbs < 2^29 and r limbs < 2^26, each sum of five products is below 2^60.
PEERLINK_AVX2 void multiply(V h[5], const V r[5], const V s[5], V mask26) {
  V d0 = add(add(add(add(mul(h[0], r[0]), mul(h[1], s[4])), mul(h[2], s[3])), mul(h[3], s[2])),
             mul(h[4], s[1]));
  V d1 = add(add(add(add(mul(h[0], r[1]), mul(h[1], r[0])), mul(h[2], s[4])), mul(h[3], s[3])),
             mul(h[4], s[2]));
  V d2 = add(add(add(add(mul(h[0], r[2]), mul(h[1], r[1])), mul(h[2], r[0])), mul(h[3], s[4])),
             mul(h[4], s[3]));
  V d3 = add(add(add(add(mul(h[0], r[3]), mul(h[1], r[2])), mul(h[2], r[1])), mul(h[3], r[0])),
             mul(h[4], s[4]));
  V d4 = add(add(add(add(mul(h[0], r[4]), mul(h[1], r[3])), mul(h[2], r[2])), mul(h[3], r[1])),
             mul(h[4], r[0]));
  // Two interleaved chains, d0 -> d1 -> d2 -> d3 and d3 -> d4 -> (x5) d0 -> d1: afterwards every
  // limb is below 2^26 + 2^12.
  carry(d0, d1, mask26);
  carry(d3, d4, mask26);
  carry(d1, d2, mask26);
  const V c4 = _mm256_srli_epi64(d4, 26);
  d4 = _mm256_and_si256(d4, mask26);
  d0 = add(d0, times5(c4));
  carry(d2, d3, mask26);
  carry(d0, d1, mask26);
  carry(d3, d4, mask26);
  h[0] = d0;
  h[1] = d1;
  h[2] = d2;
  h[3] = d3;
  h[4] = d4;
}

// h += four blocks at p. The unpacks work within 128-bit halves, so the lanes hold blocks 0, 2,
// 1, 3 in that order (finish() multiplies each lane by the matching power).
PEERLINK_AVX2 void add_blocks(V h[5], const uint8_t* p, V mask26, V hibit) {
  const V a = _mm256_loadu_si256(reinterpret_cast<const V*>(p));
  const V b = _mm256_loadu_si256(reinterpret_cast<const V*>(p + 32));
  const V lo = _mm256_unpacklo_epi64(a, b);  // bytes 0..7 of each block
  const V hi = _mm256_unpackhi_epi64(a, b);  // bytes 8..15
  h[0] = add(h[0], _mm256_and_si256(lo, mask26));
  h[1] = add(h[1], _mm256_and_si256(_mm256_srli_epi64(lo, 26), mask26));
  h[2] =
      add(h[2], _mm256_and_si256(
                    _mm256_or_si256(_mm256_srli_epi64(lo, 52), _mm256_slli_epi64(hi, 12)), mask26));
  h[3] = add(h[3], _mm256_and_si256(_mm256_srli_epi64(hi, 14), mask26));
  h[4] = add(h[4], _mm256_or_si256(_mm256_srli_epi64(hi, 40), hibit));
}

PEERLINK_AVX2 uint64_t sum_lanes(V v) {
  const __m128i both = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return static_cast<uint64_t>(
      _mm_cvtsi128_si64(_mm_add_epi64(both, _mm_unpackhi_epi64(both, both))));
}

}  // namespace

__attribute__((target("avx2"))) size_t blocks_avx2(uint64_t h[5], const uint64_t powers[4][5],
                                                   const uint8_t* data, size_t len) {
  const size_t n = len - len % kAvx2StepBytes;
  if (n == 0) return 0;
  const V mask26 = _mm256_set1_epi64x((1 << 26) - 1);
  const V hibit = _mm256_set1_epi64x(1 << 24);  // 2^128 as the top limb sees it
  V r4[5], s4[5], acc[5];
  for (int i = 0; i < 5; ++i) {
    r4[i] = _mm256_set1_epi64x(static_cast<long long>(powers[3][i]));
    s4[i] = times5(r4[i]);
    acc[i] = _mm256_set_epi64x(0, 0, 0, static_cast<long long>(h[i]));  // h joins block 0
  }
  add_blocks(acc, data, mask26, hibit);
  for (size_t at = kAvx2StepBytes; at < n; at += kAvx2StepBytes) {
    multiply(acc, r4, s4, mask26);
    add_blocks(acc, data + at, mask26, hibit);
  }
  // The lanes hold blocks 0, 2, 1, 3 of the last step: r^4, r^2, r^3, r^1.
  V last[5], last5[5];
  for (int i = 0; i < 5; ++i) {
    last[i] = _mm256_set_epi64x(
        static_cast<long long>(powers[0][i]), static_cast<long long>(powers[2][i]),
        static_cast<long long>(powers[1][i]), static_cast<long long>(powers[3][i]));
    last5[i] = times5(last[i]);
  }
  multiply(acc, last, last5, mask26);
  for (int i = 0; i < 5; ++i) h[i] = sum_lanes(acc[i]);
  return n;
}

}  // namespace peerlink::poly1305_detail

#undef PEERLINK_AVX2

#endif
