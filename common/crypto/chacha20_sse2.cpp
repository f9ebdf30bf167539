// The SSE2 back end of chacha20.h (declared in chacha20_sse2.h): four ChaCha20 blocks at once (RFC
// 8439, section 2.3). Register i holds state word i of the four blocks, one per 32-bit lane, so the
// column and the diagonal rounds are the same lane-wise operations on different registers and need
// no shuffles; only the output is transposed back into four 64-byte blocks. The function carries
// target("sse2"), so the file needs no compiler flag (SSE2 is baseline on x86-64 anyway). No
// branch or index depends on the key or the data, only on the length.
#include "common/crypto/chacha20_sse2.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>
#include <string.h>

namespace peerlink::chacha20_detail {
namespace {

using V = __m128i;

#define PEERLINK_SSE2 __attribute__((target("sse2"), always_inline)) inline

PEERLINK_SSE2 V add(V a, V b) { return _mm_add_epi32(a, b); }

template <int N>
PEERLINK_SSE2 V rotl(V x) {
  return _mm_or_si128(_mm_slli_epi32(x, N), _mm_srli_epi32(x, 32 - N));
}

// Rotating by 16 swaps the two 16-bit halves of each word: two shuffles instead of three ops.
template <>
PEERLINK_SSE2 V rotl<16>(V x) {
  return _mm_shufflehi_epi16(_mm_shufflelo_epi16(x, 0xB1), 0xB1);
}

// RFC 8439, section 2.1, on four blocks at once.
PEERLINK_SSE2 void quarter_round(V& a, V& b, V& c, V& d) {
  a = add(a, b);
  d = rotl<16>(_mm_xor_si128(d, a));
  c = add(c, d);
  b = rotl<12>(_mm_xor_si128(b, c));
  a = add(a, b);
  d = rotl<8>(_mm_xor_si128(d, a));
  c = add(c, d);
  b = rotl<7>(_mm_xor_si128(b, c));
}

// a..d each hold one word of blocks 0..3; afterwards register k holds those four words of block k.
PEERLINK_SSE2 void transpose(V& a, V& b, V& c, V& d) {
  const V ab_lo = _mm_unpacklo_epi32(a, b);  // a0 b0 a1 b1
  const V cd_lo = _mm_unpacklo_epi32(c, d);  // c0 d0 c1 d1
  const V ab_hi = _mm_unpackhi_epi32(a, b);  // a2 b2 a3 b3
  const V cd_hi = _mm_unpackhi_epi32(c, d);  // c2 d2 c3 d3
  a = _mm_unpacklo_epi64(ab_lo, cd_lo);      // a0 b0 c0 d0
  b = _mm_unpackhi_epi64(ab_lo, cd_lo);      // a1 b1 c1 d1
  c = _mm_unpacklo_epi64(ab_hi, cd_hi);      // a2 b2 c2 d2
  d = _mm_unpackhi_epi64(ab_hi, cd_hi);      // a3 b3 c3 d3
}

PEERLINK_SSE2 void xor_16(const uint8_t* in, uint8_t* out, V keystream) {
  const V data = _mm_loadu_si128(reinterpret_cast<const V*>(in));
  _mm_storeu_si128(reinterpret_cast<V*>(out), _mm_xor_si128(data, keystream));
}

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

__attribute__((target("sse2"))) size_t xor_batches_sse2(const uint8_t key[32],
                                                        const uint8_t nonce[12], uint32_t counter,
                                                        const uint8_t* in, uint8_t* out,
                                                        size_t len) {
  // The initial state (RFC 8439, section 2.3), each word broadcast to the four lanes; the
  // counters of the four blocks are counter..counter+3 (mod 2^32, as the 32-bit counter wraps).
  V initial[16];
  initial[0] = _mm_set1_epi32(0x61707865);  // "expand 32-byte k"
  initial[1] = _mm_set1_epi32(0x3320646e);
  initial[2] = _mm_set1_epi32(0x79622d32);
  initial[3] = _mm_set1_epi32(0x6b206574);
  for (int i = 0; i < 8; ++i) {
    initial[4 + i] = _mm_set1_epi32(static_cast<int>(load_le32(key + 4 * i)));
  }
  initial[12] = add(_mm_set1_epi32(static_cast<int>(counter)), _mm_set_epi32(3, 2, 1, 0));
  for (int i = 0; i < 3; ++i) {
    initial[13 + i] = _mm_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
  }
  const V four = _mm_set1_epi32(4);

  size_t done = 0;
  for (; len - done >= kSse2BatchBytes; done += kSse2BatchBytes) {
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

    // Words 4g..4g+3 of the four blocks; after the transpose x[4g + k] is bytes 16g.. of block k.
    for (int g = 0; g < 4; ++g) {
      transpose(x[4 * g], x[4 * g + 1], x[4 * g + 2], x[4 * g + 3]);
      for (int k = 0; k < 4; ++k) {
        const size_t at = done + 64 * static_cast<size_t>(k) + 16 * static_cast<size_t>(g);
        xor_16(in + at, out + at, x[4 * g + k]);
      }
    }
    initial[12] = add(initial[12], four);
  }
  explicit_bzero(initial, sizeof initial);  // the key, like the portable code's state
  return done;
}

}  // namespace peerlink::chacha20_detail

#undef PEERLINK_SSE2

#endif
