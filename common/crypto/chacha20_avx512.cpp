// The AVX-512 back end of chacha20.h (declared in chacha20_avx512.h): sixteen ChaCha20 blocks at
// once (RFC 8439, section 2.3). As in the SSE2 and AVX2 ones, register i holds state word i of
// every block, one block per 32-bit lane; AVX-512F rotates 32-bit lanes in one instruction. The
// output transpose is 4x4 words within each 128-bit lane, then 4x4 of 128-bit lanes across
// four registers. The function carries target("avx512f"), so the file needs no compiler flag;
// chacha20.cpp calls it only when the CPU (and OS) support AVX-512F. No branch or index depends
// on the key or the data.
#include "common/crypto/chacha20_avx512.h"

#if defined(__x86_64__) || defined(__i386__)

#include <string.h>

// GCC 12's avx512fintrin.h starts _mm512_set1_epi32 and others from _mm512_undefined_epi32(),
// which -Wmaybe-uninitialized reports at every use; the value is fully overwritten.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace peerlink::chacha20_detail {
namespace {

using V = __m512i;

#define PEERLINK_AVX512 __attribute__((target("avx512f"), always_inline)) inline

PEERLINK_AVX512 V add(V a, V b) { return _mm512_add_epi32(a, b); }

// RFC 8439, section 2.1, on sixteen blocks at once.
PEERLINK_AVX512 void quarter_round(V& a, V& b, V& c, V& d) {
  a = add(a, b);
  d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 16);
  c = add(c, d);
  b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 12);
  a = add(a, b);
  d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 8);
  c = add(c, d);
  b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 7);
}

// Within each 128-bit lane: a..d each hold one word of four blocks; afterwards register k holds
// those four words of block k (of block k + 4l in lane l).
PEERLINK_AVX512 void transpose_words(V& a, V& b, V& c, V& d) {
  const V ab_lo = _mm512_unpacklo_epi32(a, b);
  const V cd_lo = _mm512_unpacklo_epi32(c, d);
  const V ab_hi = _mm512_unpackhi_epi32(a, b);
  const V cd_hi = _mm512_unpackhi_epi32(c, d);
  a = _mm512_unpacklo_epi64(ab_lo, cd_lo);
  b = _mm512_unpackhi_epi64(ab_lo, cd_lo);
  c = _mm512_unpacklo_epi64(ab_hi, cd_hi);
  d = _mm512_unpackhi_epi64(ab_hi, cd_hi);
}

// a..d hold 128-bit lanes [a0 a1 a2 a3] ...; afterwards a = [a0 b0 c0 d0], b = [a1 b1 c1 d1],
// c = [a2 b2 c2 d2], d = [a3 b3 c3 d3].
PEERLINK_AVX512 void transpose_lanes(V& a, V& b, V& c, V& d) {
  const V ab01 = _mm512_shuffle_i32x4(a, b, 0x44);  // a0 a1 b0 b1
  const V ab23 = _mm512_shuffle_i32x4(a, b, 0xee);  // a2 a3 b2 b3
  const V cd01 = _mm512_shuffle_i32x4(c, d, 0x44);
  const V cd23 = _mm512_shuffle_i32x4(c, d, 0xee);
  a = _mm512_shuffle_i32x4(ab01, cd01, 0x88);  // a0 b0 c0 d0
  b = _mm512_shuffle_i32x4(ab01, cd01, 0xdd);  // a1 b1 c1 d1
  c = _mm512_shuffle_i32x4(ab23, cd23, 0x88);
  d = _mm512_shuffle_i32x4(ab23, cd23, 0xdd);
}

PEERLINK_AVX512 void xor_64(const uint8_t* in, uint8_t* out, V keystream) {
  const V data = _mm512_loadu_si512(in);
  _mm512_storeu_si512(out, _mm512_xor_si512(data, keystream));
}

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

__attribute__((target("avx512f"))) size_t xor_batches_avx512(const uint8_t key[32],
                                                             const uint8_t nonce[12],
                                                             uint32_t counter, const uint8_t* in,
                                                             uint8_t* out, size_t len) {
  // The initial state (RFC 8439, section 2.3), each word broadcast to the sixteen lanes; the
  // counters of the blocks are counter..counter+15 (mod 2^32, as the 32-bit counter wraps).
  V initial[16];
  initial[0] = _mm512_set1_epi32(0x61707865);  // "expand 32-byte k"
  initial[1] = _mm512_set1_epi32(0x3320646e);
  initial[2] = _mm512_set1_epi32(0x79622d32);
  initial[3] = _mm512_set1_epi32(0x6b206574);
  for (int i = 0; i < 8; ++i) {
    initial[4 + i] = _mm512_set1_epi32(static_cast<int>(load_le32(key + 4 * i)));
  }
  initial[12] = add(_mm512_set1_epi32(static_cast<int>(counter)),
                    _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
  for (int i = 0; i < 3; ++i) {
    initial[13 + i] = _mm512_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
  }
  const V sixteen = _mm512_set1_epi32(16);

  size_t done = 0;
  for (; len - done >= kAvx512BatchBytes; done += kAvx512BatchBytes) {
    V x[16];
    for (int i = 0; i < 16; ++i) x[i] = initial[i];
    for (int round = 0; round < 10; ++round) {
      quarter_round(x[0], x[4], x[8], x[12]);  // columns
      quarter_round(x[1], x[5], x[9], x[13]);
      quarter_round(x[2], x[6], x[10], x[14]);
      quarter_round(x[3], x[7], x[11], x[15]);
      quarter_round(x[0], x[5], x[10], x[15]);  // diagonals
      quarter_round(x[1], x[6], x[11], x[12]);
      quarter_round(x[2], x[7], x[8], x[13]);
      quarter_round(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; ++i) x[i] = add(x[i], initial[i]);
    for (int g = 0; g < 4; ++g) {
      transpose_words(x[4 * g], x[4 * g + 1], x[4 * g + 2], x[4 * g + 3]);
    }
    // Now x[4g + k] holds words 4g..4g+3 of block k + 4l in 128-bit lane l. Gathering lane l of
    // x[k], x[4 + k], x[8 + k], x[12 + k] gives the whole of block k + 4l.
    for (int k = 0; k < 4; ++k) {
      V a = x[k], b = x[4 + k], c = x[8 + k], d = x[12 + k];
      transpose_lanes(a, b, c, d);
      const size_t at = done + 64 * static_cast<size_t>(k);
      xor_64(in + at, out + at, a);
      xor_64(in + at + 256, out + at + 256, b);
      xor_64(in + at + 512, out + at + 512, c);
      xor_64(in + at + 768, out + at + 768, d);
    }
    initial[12] = add(initial[12], sixteen);
  }
  explicit_bzero(initial, sizeof initial);  // the key, like the portable code's state
  return done;
}

}  // namespace peerlink::chacha20_detail

#undef PEERLINK_AVX512

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif
