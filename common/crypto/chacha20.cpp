// ChaCha20 (RFC 8439, section 2): the portable block function, and the choice among the
// implementations the CPU can run (the SIMD ones are in chacha20_sse2.cpp and chacha20_avx2.cpp).
#include "common/crypto/chacha20.h"

#include <cstdlib>
#include <cstring>

#include "common/crypto/chacha20_avx2.h"
#include "common/crypto/chacha20_avx512.h"
#include "common/crypto/chacha20_sse2.h"

namespace peerlink {
namespace {

uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

uint32_t load32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// Inlined: as a call per quarter round the portable code runs at a third of its speed.
[[gnu::always_inline]] inline void quarter_round(uint32_t* x, int a, int b, int c, int d) {
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 7);
}

void xor_portable(const uint8_t key[kChaCha20KeyBytes], const uint8_t nonce[kChaCha20NonceBytes],
                  uint32_t counter, const uint8_t* in, uint8_t* out, size_t len) {
  uint8_t block[kChaCha20BlockBytes];
  while (len > 0) {
    chacha20_block(key, nonce, counter++, block);
    const size_t n = len < kChaCha20BlockBytes ? len : kChaCha20BlockBytes;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(in[i] ^ block[i]);
    in += n;
    out += n;
    len -= n;
  }
  explicit_bzero(block, sizeof block);
}

ChaCha20Impl choose() {
  const char* forced = std::getenv("PEERLINK_CHACHA20");
  if (forced != nullptr) {
    if (std::strcmp(forced, "portable") == 0) return ChaCha20Impl::kPortable;
    if (std::strcmp(forced, "sse2") == 0 && chacha20_has(ChaCha20Impl::kSse2)) {
      return ChaCha20Impl::kSse2;
    }
    if (std::strcmp(forced, "avx2") == 0 && chacha20_has(ChaCha20Impl::kAvx2)) {
      return ChaCha20Impl::kAvx2;
    }
    if (std::strcmp(forced, "avx512") == 0 && chacha20_has(ChaCha20Impl::kAvx512)) {
      return ChaCha20Impl::kAvx512;
    }
  }
  if (chacha20_has(ChaCha20Impl::kAvx512)) return ChaCha20Impl::kAvx512;
  if (chacha20_has(ChaCha20Impl::kAvx2)) return ChaCha20Impl::kAvx2;
  if (chacha20_has(ChaCha20Impl::kSse2)) return ChaCha20Impl::kSse2;
  return ChaCha20Impl::kPortable;
}

ChaCha20Impl chosen() {
  static const ChaCha20Impl impl = choose();
  return impl;
}

}  // namespace

void chacha20_block(const uint8_t key[kChaCha20KeyBytes], const uint8_t nonce[kChaCha20NonceBytes],
                    uint32_t counter, uint8_t out[kChaCha20BlockBytes]) {
  uint32_t state[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 8; ++i) state[4 + i] = load32(key + 4 * i);
  state[12] = counter;
  for (int i = 0; i < 3; ++i) state[13 + i] = load32(nonce + 4 * i);
  uint32_t x[16];
  std::memcpy(x, state, sizeof x);
  for (int i = 0; i < 10; ++i) {
    quarter_round(x, 0, 4, 8, 12);
    quarter_round(x, 1, 5, 9, 13);
    quarter_round(x, 2, 6, 10, 14);
    quarter_round(x, 3, 7, 11, 15);
    quarter_round(x, 0, 5, 10, 15);
    quarter_round(x, 1, 6, 11, 12);
    quarter_round(x, 2, 7, 8, 13);
    quarter_round(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) {
    const uint32_t v = x[i] + state[i];
    out[4 * i] = static_cast<uint8_t>(v);
    out[4 * i + 1] = static_cast<uint8_t>(v >> 8);
    out[4 * i + 2] = static_cast<uint8_t>(v >> 16);
    out[4 * i + 3] = static_cast<uint8_t>(v >> 24);
  }
  explicit_bzero(x, sizeof x);
  explicit_bzero(state, sizeof state);
}

// CPUID, read once. __builtin_cpu_init first, as this may run from another file's static
// initialiser; the AVX2 and AVX-512F bits are set only if the OS saves the YMM / ZMM registers.
bool chacha20_has(ChaCha20Impl impl) {
#if defined(__x86_64__) || defined(__i386__)
  static const bool sse2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse2") != 0;
  }();
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  static const bool avx512 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
#else
  constexpr bool sse2 = false, avx2 = false, avx512 = false;
#endif
  switch (impl) {
    case ChaCha20Impl::kAvx512:
      return avx512;
    case ChaCha20Impl::kAvx2:
      return avx2;
    case ChaCha20Impl::kSse2:
      return sse2;
    case ChaCha20Impl::kPortable:
      break;
  }
  return true;
}

// Whole batches of the widest back end `impl` allows and the CPU has (AVX-512 16 blocks, AVX2 8,
// SSE2 4), then, if more than one block is left, one more batch of keystream of which only as
// much is used as there are bytes (one wide batch costs less than the narrower ones it replaces).
// A last block or less, and what the CPU cannot run, are left to the portable code. The counter
// runs on from the block the batches reached, mod 2^32 like the portable one.
void chacha20_xor_with(ChaCha20Impl impl, const uint8_t key[kChaCha20KeyBytes],
                       const uint8_t nonce[kChaCha20NonceBytes], uint32_t counter,
                       const uint8_t* in, uint8_t* out, size_t len) {
  size_t done = 0;
#if defined(__x86_64__) || defined(__i386__)
  using namespace chacha20_detail;
  using Batches =
      size_t (*)(const uint8_t*, const uint8_t*, uint32_t, const uint8_t*, uint8_t*, size_t);
  Batches batches = nullptr;
  size_t batch_bytes = 0;
  if (impl == ChaCha20Impl::kAvx512 && chacha20_has(ChaCha20Impl::kAvx512)) {
    batches = xor_batches_avx512;
    batch_bytes = kAvx512BatchBytes;
  } else if ((impl == ChaCha20Impl::kAvx512 || impl == ChaCha20Impl::kAvx2) &&
             chacha20_has(ChaCha20Impl::kAvx2)) {
    batches = xor_batches_avx2;
    batch_bytes = kAvx2BatchBytes;
  } else if (impl != ChaCha20Impl::kPortable && chacha20_has(ChaCha20Impl::kSse2)) {
    batches = xor_batches_sse2;
    batch_bytes = kSse2BatchBytes;
  }
  if (batches != nullptr) {
    done = batches(key, nonce, counter, in, out, len);
    counter += static_cast<uint32_t>(done / kChaCha20BlockBytes);
    if (len - done > kChaCha20BlockBytes) {
      uint8_t keystream[kAvx512BatchBytes] = {};
      batches(key, nonce, counter, keystream, keystream, batch_bytes);
      for (size_t i = 0; done + i < len; ++i) {
        out[done + i] = static_cast<uint8_t>(in[done + i] ^ keystream[i]);
      }
      explicit_bzero(keystream, batch_bytes);
      return;
    }
  }
#else
  (void)impl;
#endif
  xor_portable(key, nonce, counter, in + done, out + done, len - done);
}

void chacha20_xor(const uint8_t key[kChaCha20KeyBytes], const uint8_t nonce[kChaCha20NonceBytes],
                  uint32_t counter, const uint8_t* in, uint8_t* out, size_t len) {
  chacha20_xor_with(chosen(), key, nonce, counter, in, out, len);
}

ChaCha20Impl chacha20_default_impl() { return chosen(); }

const char* chacha20_impl_name() { return chacha20_impl_name(chosen()); }

const char* chacha20_impl_name(ChaCha20Impl impl) {
  switch (impl) {
    case ChaCha20Impl::kAvx512:
      return "avx512";
    case ChaCha20Impl::kAvx2:
      return "avx2";
    case ChaCha20Impl::kSse2:
      return "sse2";
    case ChaCha20Impl::kPortable:
      break;
  }
  return "portable";
}

}  // namespace peerlink
