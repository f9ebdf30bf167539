// Poly1305 (RFC 8439, section 2.5) with three 64-bit limbs of 44, 44 and 42 bits: each product
// of a limb of h and one of r fits in 128 bits with room for the sums. The final reduction
// selects h or h - p by a mask. Runs of 64 bytes and more go to the AVX-512 or AVX2 back end when
// chosen (poly1305_avx512.cpp, poly1305_avx2.cpp), which need r^1..r^8 or r^1..r^4: they are
// computed here with the same multiplication.
#include "common/crypto/poly1305.h"

#include <cstdlib>
#include <cstring>

#include "common/crypto/poly1305_avx2.h"
#include "common/crypto/poly1305_avx512.h"

namespace peerlink {
namespace {

using u128 = unsigned __int128;
constexpr uint64_t kMask44 = (uint64_t{1} << 44) - 1;
constexpr uint64_t kMask42 = (uint64_t{1} << 42) - 1;

uint64_t load64(const uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  std::memcpy(&v, p, sizeof v);  // one load: GCC does not fold the byte loop below
  return v;
#else
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
#endif
}

void store64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// h = h * r mod p, partly carried: h0 < 2^44, h1 <= 2^44 + 2^20, h2 < 2^42 afterwards
// (s1 = 20 r1, s2 = 20 r2: 2^132 = 4 * 2^130 = 20 mod p).
[[gnu::always_inline]] inline void multiply(uint64_t& h0, uint64_t& h1, uint64_t& h2, uint64_t r0,
                                            uint64_t r1, uint64_t r2, uint64_t s1, uint64_t s2) {
  u128 d0 = (u128)h0 * r0 + (u128)h1 * s2 + (u128)h2 * s1;
  u128 d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)h2 * s2;
  u128 d2 = (u128)h0 * r2 + (u128)h1 * r1 + (u128)h2 * r0;

  uint64_t c = static_cast<uint64_t>(d0 >> 44);
  h0 = static_cast<uint64_t>(d0) & kMask44;
  d1 += c;
  c = static_cast<uint64_t>(d1 >> 44);
  h1 = static_cast<uint64_t>(d1) & kMask44;
  d2 += c;
  c = static_cast<uint64_t>(d2 >> 42);
  h2 = static_cast<uint64_t>(d2) & kMask42;
  h0 += c * 5;
  c = h0 >> 44;
  h0 &= kMask44;
  h1 += c;
}

// One carry pass h1 -> h2 -> (x5) h0 -> h1.
void carry_round(uint64_t& h0, uint64_t& h1, uint64_t& h2) {
  uint64_t c = h1 >> 44;
  h1 &= kMask44;
  h2 += c;
  c = h2 >> 42;
  h2 &= kMask42;
  h0 += c * 5;
  c = h0 >> 44;
  h0 &= kMask44;
  h1 += c;
}

// h mod p, fully reduced (h0, h1 < 2^44, h2 < 2^42), without a branch on h.
void reduce_fully(uint64_t& h0, uint64_t& h1, uint64_t& h2) {
  // Full carry, two passes: h below 2^130.
  carry_round(h0, h1, h2);
  carry_round(h0, h1, h2);

  // g = h + 5 - 2^130: no borrow out of the top limb means h >= p, and then g is the result.
  uint64_t g0 = h0 + 5;
  uint64_t c = g0 >> 44;
  g0 &= kMask44;
  uint64_t g1 = h1 + c;
  c = g1 >> 44;
  g1 &= kMask44;
  uint64_t g2 = h2 + c - (uint64_t{1} << 42);
  uint64_t mask = (g2 >> 63) - 1;  // all ones when g2 did not go negative
  g0 &= mask;
  g1 &= mask;
  g2 &= mask;
  mask = ~mask;
  h0 = (h0 & mask) | g0;
  h1 = (h1 & mask) | g1;
  h2 = (h2 & mask) | g2;
}

#if defined(__x86_64__) || defined(__i386__)
constexpr uint64_t kMask26 = (uint64_t{1} << 26) - 1;
// One vector step: shorter runs are left to the portable code (also so that the RFC vectors of
// 64 bytes and more reach the vector code in the tests).
constexpr size_t kMinVectorBytes = 64;

// 44/44/42-bit limbs (h1 < 2^44 + 2^20, h2 < 2^42) to five 26-bit ones (the top one below 2^27).
void to_radix26(uint64_t h0, uint64_t h1, uint64_t h2, uint64_t out[5]) {
  const uint64_t c = h1 >> 44;
  h1 &= kMask44;
  h2 += c;
  const u128 v = (u128)h0 | ((u128)h1 << 44) | ((u128)(h2 & ((uint64_t{1} << 40) - 1)) << 88);
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint64_t>(v >> (26 * i)) & kMask26;
  out[4] = static_cast<uint64_t>(v >> 104) + ((h2 >> 40) << 24);
}

// Five 26-bit limbs (each below 2^32) back to 44/44/42 bits (h2 may exceed 2^42 a little, which
// blocks() and reduce_fully() allow).
void from_radix26(uint64_t l[5], uint64_t& h0, uint64_t& h1, uint64_t& h2) {
  for (int i = 0; i < 4; ++i) {
    l[i + 1] += l[i] >> 26;
    l[i] &= kMask26;
  }
  l[0] += (l[4] >> 26) * 5;
  l[4] &= kMask26;
  for (int i = 0; i < 4; ++i) {  // now l0..l3 < 2^26, l4 <= 2^26: the sum below fits 128 bits
    l[i + 1] += l[i] >> 26;
    l[i] &= kMask26;
  }
  const u128 v = (u128)l[0] + ((u128)l[1] << 26) + ((u128)l[2] << 52) + ((u128)l[3] << 78) +
                 ((u128)(l[4] & ((uint64_t{1} << 24) - 1)) << 104);
  h0 = static_cast<uint64_t>(v) & kMask44;
  h1 = static_cast<uint64_t>(v >> 44) & kMask44;
  h2 = static_cast<uint64_t>(v >> 88) + ((l[4] >> 24) << 40);
}
#endif

Poly1305Impl choose() {
  const char* forced = std::getenv("PEERLINK_POLY1305");
  if (forced != nullptr && std::strcmp(forced, "portable") == 0) return Poly1305Impl::kPortable;
  if (forced != nullptr && std::strcmp(forced, "avx2") == 0 && poly1305_has(Poly1305Impl::kAvx2)) {
    return Poly1305Impl::kAvx2;
  }
  if (poly1305_has(Poly1305Impl::kAvx512)) return Poly1305Impl::kAvx512;
  if (poly1305_has(Poly1305Impl::kAvx2)) return Poly1305Impl::kAvx2;
  return Poly1305Impl::kPortable;
}

}  // namespace

bool poly1305_has(Poly1305Impl impl) {
#if defined(__x86_64__) || defined(__i386__)
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  static const bool avx512 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx2") != 0;
  }();
#else
  constexpr bool avx2 = false, avx512 = false;
#endif
  switch (impl) {
    case Poly1305Impl::kAvx512:
      return avx512;
    case Poly1305Impl::kAvx2:
      return avx2;
    case Poly1305Impl::kPortable:
      break;
  }
  return true;
}

const char* poly1305_impl_name(Poly1305Impl impl) {
  switch (impl) {
    case Poly1305Impl::kAvx512:
      return "avx512";
    case Poly1305Impl::kAvx2:
      return "avx2";
    case Poly1305Impl::kPortable:
      break;
  }
  return "portable";
}

Poly1305Impl poly1305_default_impl() {
  static const Poly1305Impl impl = choose();
  return impl;
}

Poly1305::Poly1305(const uint8_t key[kPoly1305KeyBytes], Poly1305Impl impl)
    : impl_(poly1305_has(impl) ? impl : Poly1305Impl::kPortable) {
  // r, clamped (section 2.5: the top four bits of bytes 3, 7, 11, 15 and the bottom two of
  // bytes 4, 8, 12 cleared), split into 44/44/42-bit limbs.
  const uint64_t t0 = load64(key);
  const uint64_t t1 = load64(key + 8);
  r_[0] = t0 & 0xffc0fffffffULL;
  r_[1] = ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffffULL;
  r_[2] = (t1 >> 24) & 0x00ffffffc0fULL;
  h_[0] = h_[1] = h_[2] = 0;
  pad_[0] = load64(key + 16);
  pad_[1] = load64(key + 24);
}

Poly1305::~Poly1305() {
  explicit_bzero(r_, sizeof r_);
  explicit_bzero(h_, sizeof h_);
  explicit_bzero(pad_, sizeof pad_);
  explicit_bzero(buffer_, sizeof buffer_);
  explicit_bzero(powers_, sizeof powers_);
}

// h = (h + block) * r mod 2^130 - 5 for each 16-byte block; `hibit` is 2^128 as the top limb
// sees it (1 << 40) for full blocks, 0 for the padded last one (its 1 byte is in the data).
void Poly1305::blocks(const uint8_t* data, size_t len, uint64_t hibit) {
  const uint64_t r0 = r_[0], r1 = r_[1], r2 = r_[2];
  const uint64_t s1 = r1 * (5 << 2), s2 = r2 * (5 << 2);
  uint64_t h0 = h_[0], h1 = h_[1], h2 = h_[2];
  while (len >= 16) {
    const uint64_t t0 = load64(data);
    const uint64_t t1 = load64(data + 8);
    h0 += t0 & kMask44;
    h1 += ((t0 >> 44) | (t1 << 20)) & kMask44;
    h2 += ((t1 >> 24) & kMask42) | hibit;

    multiply(h0, h1, h2, r0, r1, r2, s1, s2);

    data += 16;
    len -= 16;
  }
  h_[0] = h0;
  h_[1] = h1;
  h_[2] = h2;
}

size_t Poly1305::vector_blocks(const uint8_t* data, size_t len) {
#if defined(__x86_64__) || defined(__i386__)
  if (impl_ == Poly1305Impl::kPortable || len < kMinVectorBytes) return 0;
  if (!have_powers_) {
    const uint64_t s1 = r_[1] * (5 << 2), s2 = r_[2] * (5 << 2);
    uint64_t p0 = r_[0], p1 = r_[1], p2 = r_[2];
    for (int k = 0; k < 8; ++k) {
      if (k > 0) multiply(p0, p1, p2, r_[0], r_[1], r_[2], s1, s2);
      uint64_t q0 = p0, q1 = p1, q2 = p2;
      reduce_fully(q0, q1, q2);  // limbs below 2^26 in radix 2^26
      to_radix26(q0, q1, q2, powers_[k]);
    }
    have_powers_ = true;
  }
  // The AVX-512 steps of 128 bytes, then at most one AVX2 step of 64 (every AVX-512 CPU has AVX2),
  // each from and back to the carried 44-bit limbs.
  size_t done = 0;
  uint64_t h26[5];
  if (impl_ == Poly1305Impl::kAvx512) {
    to_radix26(h_[0], h_[1], h_[2], h26);
    done = poly1305_detail::blocks_avx512(h26, powers_, data, len);
    from_radix26(h26, h_[0], h_[1], h_[2]);
  }
  if (len - done >= poly1305_detail::kAvx2StepBytes) {
    to_radix26(h_[0], h_[1], h_[2], h26);
    done += poly1305_detail::blocks_avx2(h26, powers_, data + done, len - done);
    from_radix26(h26, h_[0], h_[1], h_[2]);
  }
  explicit_bzero(h26, sizeof h26);
  return done;
#else
  (void)data;
  (void)len;
  return 0;
#endif
}

void Poly1305::update(const uint8_t* data, size_t len) {
  if (buffered_ > 0) {
    const size_t take = len < 16 - buffered_ ? len : 16 - buffered_;
    std::memcpy(buffer_ + buffered_, data, take);
    buffered_ += take;
    data += take;
    len -= take;
    if (buffered_ < 16) return;
    blocks(buffer_, 16, uint64_t{1} << 40);
    buffered_ = 0;
  }
  const size_t whole = len & ~size_t{15};
  const size_t vectored = vector_blocks(data, whole);
  blocks(data + vectored, whole - vectored, uint64_t{1} << 40);
  data += whole;
  len -= whole;
  if (len > 0) {
    std::memcpy(buffer_, data, len);
    buffered_ = len;
  }
}

void Poly1305::finish(uint8_t tag[kPoly1305TagBytes]) {
  if (buffered_ > 0) {
    buffer_[buffered_] = 1;
    for (size_t i = buffered_ + 1; i < 16; ++i) buffer_[i] = 0;
    blocks(buffer_, 16, 0);
    buffered_ = 0;
  }
  uint64_t h0 = h_[0], h1 = h_[1], h2 = h_[2];
  reduce_fully(h0, h1, h2);
  uint64_t c;

  // tag = (h + s) mod 2^128.
  const uint64_t t0 = pad_[0], t1 = pad_[1];
  h0 += t0 & kMask44;
  c = h0 >> 44;
  h0 &= kMask44;
  h1 += (((t0 >> 44) | (t1 << 20)) & kMask44) + c;
  c = h1 >> 44;
  h1 &= kMask44;
  h2 += ((t1 >> 24) & kMask42) + c;
  h2 &= kMask42;

  store64(tag, h0 | (h1 << 44));
  store64(tag + 8, (h1 >> 20) | (h2 << 24));
  h_[0] = h_[1] = h_[2] = 0;
}

void poly1305(uint8_t tag[kPoly1305TagBytes], const uint8_t key[kPoly1305KeyBytes],
              const uint8_t* data, size_t len) {
  poly1305_with(poly1305_default_impl(), tag, key, data, len);
}

void poly1305_with(Poly1305Impl impl, uint8_t tag[kPoly1305TagBytes],
                   const uint8_t key[kPoly1305KeyBytes], const uint8_t* data, size_t len) {
  Poly1305 mac(key, impl);
  mac.update(data, len);
  mac.finish(tag);
}

}  // namespace peerlink
