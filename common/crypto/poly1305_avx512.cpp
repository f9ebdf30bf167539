// The AVX-512 back end of poly1305.h (declared in poly1305_avx512.h): the AVX2 one's method
// (poly1305_avx2.cpp) with eight lanes, each running Horner's rule on every eighth block with
// r^8, combined with r^8..r^1 at the end. The function carries target("avx512f"), so the file
// needs no compiler flag. No branch or index depends on the key or the message, only on the
// length.
#include "common/crypto/poly1305_avx512.h"

#if defined(__x86_64__) || defined(__i386__)

// GCC 12's avx512fintrin.h starts _mm512_set1_epi64 and others from _mm512_undefined_epi32(),
// which -Wmaybe-uninitialized reports at every use; the value is fully overwritten.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace peerlink::poly1305_detail {
namespace {

using V = __m512i;

#define PEERLINK_AVX512 __attribute__((target("avx512f"), always_inline)) inline

PEERLINK_AVX512 V add(V a, V b) { return _mm512_add_epi64(a, b); }
PEERLINK_AVX512 V mul(V a, V b) { return _mm512_mul_epu32(a, b); }
PEERLINK_AVX512 V times5(V a) { return add(a, _mm512_slli_epi64(a, 2)); }

// One carry step: the bits of `from` above 26 move to `to` (times `factor`, 1 or 5).
PEERLINK_AVX512 void carry(V& from, V& to, V mask26) {
  const V c = _mm512_srli_epi64(from, 26);
  from = _mm512_and_si512(from, mask26);
  to = add(to, c);
}

// h = h * r mod p in every lane; s[i] = 5 r[i] (2^130 = 5 mod p folds the high products down).
// With h limbs < 2^29 and r limbs < 2^26, each sum of five products is below 2^60.
PEERLINK_AVX512 void multiply(V h[5], const V r[5], const V s[5], V mask26) {
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
  const V c4 = _mm512_srli_epi64(d4, 26);
  d4 = _mm512_and_si512(d4, mask26);
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

// h += eight blocks at p. The unpacks work within 128-bit lanes, so the 64-bit lanes hold blocks
// 0, 4, 1, 5, 2, 6, 3, 7 in that order (the last step multiplies each by the matching power).
PEERLINK_AVX512 void add_blocks(V h[5], const uint8_t* p, V mask26, V hibit) {
  const V a = _mm512_loadu_si512(p);
  const V b = _mm512_loadu_si512(p + 64);
  const V lo = _mm512_unpacklo_epi64(a, b);  // bytes 0..7 of each block
  const V hi = _mm512_unpackhi_epi64(a, b);  // bytes 8..15
  h[0] = add(h[0], _mm512_and_si512(lo, mask26));
  h[1] = add(h[1], _mm512_and_si512(_mm512_srli_epi64(lo, 26), mask26));
  h[2] =
      add(h[2], _mm512_and_si512(
                    _mm512_or_si512(_mm512_srli_epi64(lo, 52), _mm512_slli_epi64(hi, 12)), mask26));
  h[3] = add(h[3], _mm512_and_si512(_mm512_srli_epi64(hi, 14), mask26));
  h[4] = add(h[4], _mm512_or_si512(_mm512_srli_epi64(hi, 40), hibit));
}

PEERLINK_AVX512 uint64_t sum_lanes(V v) {
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(v));
}

}  // namespace

__attribute__((target("avx512f"))) size_t blocks_avx512(uint64_t h[5], const uint64_t powers[8][5],
                                                        const uint8_t* data, size_t len) {
  const size_t n = len - len % kAvx512StepBytes;
  if (n == 0) return 0;
  const V mask26 = _mm512_set1_epi64((1 << 26) - 1);
  const V hibit = _mm512_set1_epi64(1 << 24);  // 2^128 as the top limb sees it
  V r8[5], s8[5], acc[5];
  for (int i = 0; i < 5; ++i) {
    r8[i] = _mm512_set1_epi64(static_cast<long long>(powers[7][i]));
    s8[i] = times5(r8[i]);
    acc[i] = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(h[i]));  // joins block 0
  }
  add_blocks(acc, data, mask26, hibit);
  for (size_t at = kAvx512StepBytes; at < n; at += kAvx512StepBytes) {
    multiply(acc, r8, s8, mask26);
    add_blocks(acc, data + at, mask26, hibit);
  }
  // The lanes hold blocks 0, 4, 1, 5, 2, 6, 3, 7 of the last step: r^8, r^4, r^7, r^3, r^6, r^2,
  // r^5, r^1 (block j takes r^(8 - j), powers[k] is r^(k + 1)).
  V last[5], last5[5];
  for (int i = 0; i < 5; ++i) {
    const auto power = [&](int k) { return static_cast<long long>(powers[k - 1][i]); };
    last[i] = _mm512_set_epi64(power(1), power(5), power(2), power(6), power(3), power(7), power(4),
                               power(8));
    last5[i] = times5(last[i]);
  }
  multiply(acc, last, last5, mask26);
  for (int i = 0; i < 5; ++i) h[i] = sum_lanes(acc[i]);
  return n;
}

}  // namespace peerlink::poly1305_detail

#undef PEERLINK_AVX512

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif
