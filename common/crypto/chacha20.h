// The ChaCha20 stream cipher (RFC 8439, section 2.4): 256-bit key, 96-bit nonce, 32-bit block
// counter. A portable implementation and, where the CPU has them, SSE2, AVX2 and AVX-512 ones that
// compute 4, 8 or 16 blocks at once; the fastest is chosen once at start-up (CPUID), all give the
// same bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink {

inline constexpr size_t kChaCha20KeyBytes = 32;
inline constexpr size_t kChaCha20NonceBytes = 12;
inline constexpr size_t kChaCha20BlockBytes = 64;

// The 64-byte keystream block `counter` (RFC 8439, section 2.3).
void chacha20_block(const uint8_t key[kChaCha20KeyBytes], const uint8_t nonce[kChaCha20NonceBytes],
                    uint32_t counter, uint8_t out[kChaCha20BlockBytes]);

// out = in XOR keystream, the keystream starting at block `counter`. `in` and `out` may be the
// same buffer (not otherwise overlapping). Uses the implementation chosen at start-up.
void chacha20_xor(const uint8_t key[kChaCha20KeyBytes], const uint8_t nonce[kChaCha20NonceBytes],
                  uint32_t counter, const uint8_t* in, uint8_t* out, size_t len);

// Each implementation on its own, for tests and benchmarks. An implementation the CPU lacks is
// not offered: chacha20_has() says which can run here.
enum class ChaCha20Impl { kPortable, kSse2, kAvx2, kAvx512 };
bool chacha20_has(ChaCha20Impl impl);
void chacha20_xor_with(ChaCha20Impl impl, const uint8_t key[kChaCha20KeyBytes],
                       const uint8_t nonce[kChaCha20NonceBytes], uint32_t counter,
                       const uint8_t* in, uint8_t* out, size_t len);
// "avx512", "avx2", "sse2" or "portable".
const char* chacha20_impl_name(ChaCha20Impl impl);
// The implementation chacha20_xor() uses (PEERLINK_CHACHA20=portable|sse2|avx2|avx512 forces one
// the CPU has), and its name.
ChaCha20Impl chacha20_default_impl();
const char* chacha20_impl_name();

}  // namespace peerlink
