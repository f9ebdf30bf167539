// The Poly1305 one-time authenticator (RFC 8439, section 2.5): a portable implementation with
// 64-bit limbs (three limbs of 44/44/42 bits, products in 128 bits) and, where the CPU has AVX2,
// one that takes four blocks per step (poly1305_avx2.cpp) for runs of 64 bytes and more. The
// fastest is chosen once at start-up (CPUID); all give the same tags, none branches or indexes on
// the key or the message.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink {

inline constexpr size_t kPoly1305KeyBytes = 32;
inline constexpr size_t kPoly1305TagBytes = 16;

// Each implementation on its own, for tests and benchmarks; poly1305_has() says which can run here
// (one the CPU lacks falls back to the portable code).
enum class Poly1305Impl { kPortable, kAvx2, kAvx512 };
bool poly1305_has(Poly1305Impl impl);
// "avx512", "avx2" or "portable".
const char* poly1305_impl_name(Poly1305Impl impl);
// The implementation chosen at start-up (PEERLINK_POLY1305=portable|avx2 forces one the CPU has).
Poly1305Impl poly1305_default_impl();

// Feed bytes with update() in any split; finish() writes the tag. A key is used for one message.
class Poly1305 {
 public:
  explicit Poly1305(const uint8_t key[kPoly1305KeyBytes])
      : Poly1305(key, poly1305_default_impl()) {}
  Poly1305(const uint8_t key[kPoly1305KeyBytes], Poly1305Impl impl);
  ~Poly1305();  // wipes the key and state
  Poly1305(const Poly1305&) = delete;
  Poly1305& operator=(const Poly1305&) = delete;

  void update(const uint8_t* data, size_t len);
  void finish(uint8_t tag[kPoly1305TagBytes]);

 private:
  void blocks(const uint8_t* data, size_t len, uint64_t hibit);
  // The multi-block back end over as much of data as it takes; returns the bytes it consumed.
  size_t vector_blocks(const uint8_t* data, size_t len);

  Poly1305Impl impl_;
  bool have_powers_ = false;
  uint64_t powers_[8][5];  // r^1..r^8 in radix 2^26 for the vector back ends, made on first use
  uint64_t r_[3];
  uint64_t h_[3];
  uint64_t pad_[2];
  uint8_t buffer_[16];
  size_t buffered_ = 0;
};

// One-shot tag of `data` under `key`.
void poly1305(uint8_t tag[kPoly1305TagBytes], const uint8_t key[kPoly1305KeyBytes],
              const uint8_t* data, size_t len);
void poly1305_with(Poly1305Impl impl, uint8_t tag[kPoly1305TagBytes],
                   const uint8_t key[kPoly1305KeyBytes], const uint8_t* data, size_t len);

}  // namespace peerlink
