// The AVX2 back end of poly1305.h (internal to common/crypto): four 16-byte blocks per step in
// radix 2^26. poly1305.cpp chooses a back end, converts its accumulator to and from the limbs
// below and does what is left (fewer than 64 bytes, partial blocks) itself. x86 only: elsewhere
// nothing is declared and poly1305.cpp never calls it.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)

namespace peerlink::poly1305_detail {

inline constexpr size_t kAvx2StepBytes = 64;

// Numbers mod p = 2^130 - 5 are five limbs of 26 bits, value = sum limb[i] * 2^(26 i).
// h = (...((h + m_1) r + m_2) r ... + m_n) r mod p over the full 16-byte blocks m_i (each with
// its 2^128 bit) of the first len rounded down to 64 bytes; returns how many bytes that was (0 if
// len < 64). h comes in with limbs below 2^27 and goes out with limbs below 2^29 (not carried);
// powers[k] is r^(k + 1) with limbs below 2^26. The CPU must have AVX2.
size_t blocks_avx2(uint64_t h[5], const uint64_t powers[4][5], const uint8_t* data, size_t len);

}  // namespace peerlink::poly1305_detail

#endif
