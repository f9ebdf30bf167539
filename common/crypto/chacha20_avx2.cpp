// The AVX2 back end of chacha20.h (declared in chacha20_avx2.h): eight ChaCha20 blocks at once (RFC
// 8439, section 2.3). As in the SSE2 one, register i holds state word i of every block, one block
// per 32-bit lane; rotations by 16 and 8 are byte shuffles. The output transpose works within each
// 128-bit half (blocks 0..3 low, 4..7 high), then joins halves into 32-byte runs of one block. The
// function carries target("avx2"), so the file needs no compiler flag; chacha20.cpp calls it only
// when the CPU (and OS) support AVX2. No branch or index depends on the key or the data.
#include "common/crypto/chacha20_avx2.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>
#include <string.h>

namespace peerlink::chacha20_detail {
namespace {

using V = __m256i;

#define PEERLINK_AVX2 __attribute__((target("avx2"), always_inline)) inline

PEERLINK_AVX2 V add(V a, V b) { return _mm256_add_epi32(a, b); }

template <int N>
PEERLINK_AVX2 V rotl(V x) {
  return _mm256_or_si256(_mm256_slli_epi32(x, N), _mm256_srli_epi32(x, 32 - N));
}

// Byte-granular rotations as one shuffle: `order` lists, for each result byte, its source byte.
PEERLINK_AVX2 V rotl_bytes(V x, V order) { return _mm256_shuffle_epi8(x, order); }

// RFC 8439, section 2.1, on eight blocks at once.
PEERLINK_AVX2 void quarter_round(V& a, V& b, V& c, V& d, V rot16, V rot8) {
  a = add(a, b);
  d = rotl_bytes(_mm256_xor_si256(d, a), rot16);
  c = add(c, d);
  b = rotl<12>(_mm256_xor_si256(b, c));
  a = add(a, b);
  d = rotl_bytes(_mm256_xor_si256(d, a), rot8);
  c = add(c, d);
  b = rotl<7>(_mm256_xor_si256(b, c));
}

// Within each 128-bit half: a..d each hold one word of four blocks; afterwards register k holds
// those four words of block k (of block k + 4 in the high half).
PEERLINK_AVX2 void transpose(V& a, V& b, V& c, V& d) {
  const V ab_lo = _mm256_unpacklo_epi32(a, b);
  const V cd_lo = _mm256_unpacklo_epi32(c, d);
  const V ab_hi = _mm256_unpackhi_epi32(a, b);
  const V cd_hi = _mm256_unpackhi_epi32(c, d);
  a = _mm256_unpacklo_epi64(ab_lo, cd_lo);
  b = _mm256_unpackhi_epi64(ab_lo, cd_lo);
  c = _mm256_unpacklo_epi64(ab_hi, cd_hi);
  d = _mm256_unpackhi_epi64(ab_hi, cd_hi);
}

PEERLINK_AVX2 void xor_32(const uint8_t* in, uint8_t* out, V keystream) {
  const V data = _mm256_loadu_si256(reinterpret_cast<const V*>(in));
  _mm256_storeu_si256(reinterpret_cast<V*>(out), _mm256_xor_si256(data, keystream));
}

uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

__attribute__((target("avx2"))) size_t xor_batches_avx2(const uint8_t key[32],
                                                        const uint8_t nonce[12], uint32_t counter,
                                                        const uint8_t* in, uint8_t* out,
                                                        size_t len) {
  // The initial state (RFC 8439, section 2.3), each word broadcast to the eight lanes; the
  // counters of the eight blocks are counter..counter+7 (mod 2^32, as the 32-bit counter wraps).
  V initial[16];
  initial[0] = _mm256_set1_epi32(0x61707865);  // "expand 32-byte k"
  initial[1] = _mm256_set1_epi32(0x3320646e);
  initial[2] = _mm256_set1_epi32(0x79622d32);
  initial[3] = _mm256_set1_epi32(0x6b206574);
  for (int i = 0; i < 8; ++i) {
    initial[4 + i] = _mm256_set1_epi32(static_cast<int>(load_le32(key + 4 * i)));
  }
  initial[12] =
      add(_mm256_set1_epi32(static_cast<int>(counter)), _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
  for (int i = 0; i < 3; ++i) {
    initial[13 + i] = _mm256_set1_epi32(static_cast<int>(load_le32(nonce + 4 * i)));
  }
  const V eight = _mm256_set1_epi32(8);
  // Per 32-bit word (little-endian bytes 0..3): rotating left by 16 takes bytes 2 3 0 1, by 8
  // bytes 3 0 1 2; the same pattern in every word of both halves.
  const V rot16 = _mm256_set_epi8(13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2,  //
                                  13, 12, 15, 14, 9, 8, 11, 10, 5, 4, 7, 6, 1, 0, 3, 2);
  const V rot8 = _mm256_set_epi8(14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3,  //
                                 14, 13, 12, 15, 10, 9, 8, 11, 6, 5, 4, 7, 2, 1, 0, 3);

  size_t done = 0;
  for (; len - done >= kAvx2BatchBytes; done += kAvx2BatchBytes) {
    V x[16];
    for (int i = 0; i < 16; ++i) x[i] = initial[i];
    for (int round = 0; round < 10; ++round) {
      quarter_round(x[0], x[4], x[8], x[12], rot16, rot8);  // columns
      quarter_round(x[1], x[5], x[9], x[13], rot16, rot8);
      quarter_round(x[2], x[6], x[10], x[14], rot16, rot8);
      quarter_round(x[3], x[7], x[11], x[15], rot16, rot8);
      quarter_round(x[0], x[5], x[10], x[15], rot16, rot8);  // diagonals
      quarter_round(x[1], x[6], x[11], x[12], rot16, rot8);
      quarter_round(x[2], x[7], x[8], x[13], rot16, rot8);
      quarter_round(x[3], x[4], x[9], x[14], rot16, rot8);
    }
    for (int i = 0; i < 16; ++i) x[i] = add(x[i], initial[i]);
    for (int g = 0; g < 4; ++g) transpose(x[4 * g], x[4 * g + 1], x[4 * g + 2], x[4 * g + 3]);

    // Now x[4g + k] holds words 4g..4g+3 of block k (low half) and of block k + 4 (high half).
    // Joining the halves of groups g and g + 1 gives 32 bytes of one block.
    for (int k = 0; k < 4; ++k) {
      for (int g = 0; g < 4; g += 2) {
        const V lo = x[4 * g + k], hi = x[4 * (g + 1) + k];
        const size_t at = done + 64 * static_cast<size_t>(k) + 16 * static_cast<size_t>(g);
        xor_32(in + at, out + at, _mm256_permute2x128_si256(lo, hi, 0x20));
        xor_32(in + at + 256, out + at + 256, _mm256_permute2x128_si256(lo, hi, 0x31));
      }
    }
    initial[12] = add(initial[12], eight);
  }
  explicit_bzero(initial, sizeof initial);  // the key, like the portable code's state
  return done;
}

}  // namespace peerlink::chacha20_detail

#undef PEERLINK_AVX2

#endif
