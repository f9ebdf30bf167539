// The AVX-512 back end of chacha20.h (internal to common/crypto): 16 keystream blocks at once. It
// handles whole batches only; chacha20.cpp chooses a back end and finishes the tail with the
// narrower ones. x86 only: elsewhere nothing is declared and chacha20.cpp never calls it.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)

namespace peerlink::chacha20_detail {

inline constexpr size_t kAvx512BatchBytes = 16 * 64;

// out = in XOR keystream from block `counter` on, for the first len rounded down to a whole
// batch; returns how many bytes that was (the caller does the rest from block counter + done/64).
// The 32-bit block counter wraps like the portable code's. `in` may equal `out`. The CPU must
// have AVX-512F (chacha20.cpp asks __builtin_cpu_supports).
size_t xor_batches_avx512(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                          const uint8_t* in, uint8_t* out, size_t len);

}  // namespace peerlink::chacha20_detail

#endif
