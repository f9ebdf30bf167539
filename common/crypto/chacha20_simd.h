// The SIMD back ends of chacha20.h (internal to common/crypto): SSE2 computes 4 keystream blocks
// at once, AVX2 8. They handle whole batches only; chacha20.cpp chooses one and finishes the tail
// with the portable code. x86 only: elsewhere nothing is declared and chacha20.cpp never calls
// them.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)

namespace peerlink::chacha20_detail {

inline constexpr size_t kSse2BatchBytes = 4 * 64;
inline constexpr size_t kAvx2BatchBytes = 8 * 64;

// out = in XOR keystream from block `counter` on, for the first len rounded down to a whole
// batch; returns how many bytes that was (the caller does the rest from block counter + done/64).
// The 32-bit block counter wraps like the portable code's. `in` may equal `out`. The CPU must
// have the instructions (chacha20.cpp asks __builtin_cpu_supports).
size_t xor_batches_sse2(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                        const uint8_t* in, uint8_t* out, size_t len);
size_t xor_batches_avx2(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                        const uint8_t* in, uint8_t* out, size_t len);

}  // namespace peerlink::chacha20_detail

#endif
