// SHA-256 block compression back ends: portable C++ and the x86 SHA extensions (chosen at run
// time).
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink::sha256_detail {

// FIPS 180-4 section 4.2.2: the 64 round constants (cube roots of the first 64 primes), aligned
// so the SIMD back end can load four at a time.
alignas(16) extern const uint32_t kRoundConstants[64];

// Applies the compression function to `blocks` consecutive 64-byte blocks.
void compress_portable(uint32_t state[8], const unsigned char* data, size_t blocks);

// True if this CPU has the SHA extensions (and SSSE3/SSE4.1) and the build can use them.
bool shani_supported();
// The same with the SHA extensions; call only when shani_supported().
void compress_shani(uint32_t state[8], const unsigned char* data, size_t blocks);

}  // namespace peerlink::sha256_detail
