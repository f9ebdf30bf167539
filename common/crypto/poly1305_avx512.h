// The AVX-512 back end of poly1305.h (internal to common/crypto): eight 16-byte blocks per step
// in radix 2^26, like the AVX2 one (poly1305_avx2.h) on registers twice as wide. x86 only:
// elsewhere nothing is declared and poly1305.cpp never calls it.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)

namespace peerlink::poly1305_detail {

inline constexpr size_t kAvx512StepBytes = 128;

// As blocks_avx2, for the first len rounded down to 128 bytes, with powers[k] = r^(k + 1) for
// k = 0..7; h goes out with limbs below 2^30. The CPU must have AVX-512F.
size_t blocks_avx512(uint64_t h[5], const uint64_t powers[8][5], const uint8_t* data, size_t len);

}  // namespace peerlink::poly1305_detail

#endif
