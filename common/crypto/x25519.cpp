// X25519 (RFC 7748): field arithmetic modulo p = 2^255 - 19 in five 51-bit limbs, and the
// Montgomery ladder of section 5. Every operation runs the same instructions whatever the values:
// the ladder swaps by masks, and the only loop bounds and indexes are public bit positions.
#include "common/crypto/x25519.h"

#include <cstring>
#include <string>

#include "common/base/random.h"
#include "common/crypto/declassify.h"

namespace peerlink {
namespace {

using u128 = unsigned __int128;
constexpr uint64_t kMask51 = (uint64_t{1} << 51) - 1;

// A field element: value = l[0] + l[1]*2^51 + l[2]*2^102 + l[3]*2^153 + l[4]*2^204. Between
// operations each limb stays below 2^52, so products of two limbs (times 19) fit in 128 bits.
struct Fe {
  uint64_t l[5];
};

uint64_t load64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// decodeUCoordinate: little-endian, the top bit ignored.
Fe fe_from_bytes(const uint8_t s[32]) {
  Fe h;
  h.l[0] = load64(s) & kMask51;
  h.l[1] = (load64(s + 6) >> 3) & kMask51;
  h.l[2] = (load64(s + 12) >> 6) & kMask51;
  h.l[3] = (load64(s + 19) >> 1) & kMask51;
  h.l[4] = (load64(s + 24) >> 12) & kMask51;
  return h;
}

// Brings every limb back under 2^51 (limb 0 may keep a few bits more), folding the carry out of
// limb 4 back into limb 0 times 19 (2^255 = 19 mod p).
void fe_carry(Fe& h) {
  uint64_t c = h.l[0] >> 51;
  h.l[0] &= kMask51;
  h.l[1] += c;
  c = h.l[1] >> 51;
  h.l[1] &= kMask51;
  h.l[2] += c;
  c = h.l[2] >> 51;
  h.l[2] &= kMask51;
  h.l[3] += c;
  c = h.l[3] >> 51;
  h.l[3] &= kMask51;
  h.l[4] += c;
  c = h.l[4] >> 51;
  h.l[4] &= kMask51;
  h.l[0] += 19 * c;
  c = h.l[0] >> 51;
  h.l[0] &= kMask51;
  h.l[1] += c;
}

// encodeUCoordinate: the unique representative in [0, p), little-endian.
void fe_to_bytes(uint8_t out[32], Fe h) {
  fe_carry(h);
  fe_carry(h);
  // Now h < 2p. q = 1 exactly when h >= p, found by propagating the carry of h + 19.
  uint64_t q = (h.l[0] + 19) >> 51;
  q = (h.l[1] + q) >> 51;
  q = (h.l[2] + q) >> 51;
  q = (h.l[3] + q) >> 51;
  q = (h.l[4] + q) >> 51;
  h.l[0] += 19 * q;
  uint64_t c = h.l[0] >> 51;
  h.l[0] &= kMask51;
  h.l[1] += c;
  c = h.l[1] >> 51;
  h.l[1] &= kMask51;
  h.l[2] += c;
  c = h.l[2] >> 51;
  h.l[2] &= kMask51;
  h.l[3] += c;
  c = h.l[3] >> 51;
  h.l[3] &= kMask51;
  h.l[4] += c;
  h.l[4] &= kMask51;  // drops 2^255: together with the +19 that subtracts p
  store64(out, h.l[0] | (h.l[1] << 51));
  store64(out + 8, (h.l[1] >> 13) | (h.l[2] << 38));
  store64(out + 16, (h.l[2] >> 26) | (h.l[3] << 25));
  store64(out + 24, (h.l[3] >> 39) | (h.l[4] << 12));
}

Fe fe_add(const Fe& f, const Fe& g) {
  Fe h;
  for (int i = 0; i < 5; ++i) h.l[i] = f.l[i] + g.l[i];
  fe_carry(h);
  return h;
}

// f - g, computed as f + 2p - g so no limb goes negative (g's limbs are below 2^52 - 38).
Fe fe_sub(const Fe& f, const Fe& g) {
  Fe h;
  h.l[0] = f.l[0] + 0xFFFFFFFFFFFDAULL - g.l[0];
  for (int i = 1; i < 5; ++i) h.l[i] = f.l[i] + 0xFFFFFFFFFFFFEULL - g.l[i];
  fe_carry(h);
  return h;
}

Fe fe_reduce_wide(u128 t0, u128 t1, u128 t2, u128 t3, u128 t4) {
  Fe h;
  t1 += static_cast<uint64_t>(t0 >> 51);
  h.l[0] = static_cast<uint64_t>(t0) & kMask51;
  t2 += static_cast<uint64_t>(t1 >> 51);
  h.l[1] = static_cast<uint64_t>(t1) & kMask51;
  t3 += static_cast<uint64_t>(t2 >> 51);
  h.l[2] = static_cast<uint64_t>(t2) & kMask51;
  t4 += static_cast<uint64_t>(t3 >> 51);
  h.l[3] = static_cast<uint64_t>(t3) & kMask51;
  const uint64_t c = static_cast<uint64_t>(t4 >> 51);
  h.l[4] = static_cast<uint64_t>(t4) & kMask51;
  h.l[0] += 19 * c;
  h.l[1] += h.l[0] >> 51;
  h.l[0] &= kMask51;
  return h;
}

Fe fe_mul(const Fe& f, const Fe& g) {
  const uint64_t f0 = f.l[0], f1 = f.l[1], f2 = f.l[2], f3 = f.l[3], f4 = f.l[4];
  const uint64_t g0 = g.l[0], g1 = g.l[1], g2 = g.l[2], g3 = g.l[3], g4 = g.l[4];
  const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
  const u128 t0 =
      (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
  const u128 t1 =
      (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
  const u128 t2 =
      (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
  const u128 t3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
  const u128 t4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
  return fe_reduce_wide(t0, t1, t2, t3, t4);
}

Fe fe_sq(const Fe& f) { return fe_mul(f, f); }

Fe fe_sq_times(Fe f, int n) {
  for (int i = 0; i < n; ++i) f = fe_sq(f);
  return f;
}

Fe fe_mul_small(const Fe& f, uint64_t k) {
  return fe_reduce_wide((u128)f.l[0] * k, (u128)f.l[1] * k, (u128)f.l[2] * k, (u128)f.l[3] * k,
                        (u128)f.l[4] * k);
}

// z^(p-2) = z^(2^255 - 21), by the usual chain of 254 squarings and 11 multiplications.
Fe fe_invert(const Fe& z) {
  const Fe z2 = fe_sq(z);
  const Fe z9 = fe_mul(fe_sq_times(z2, 2), z);
  const Fe z11 = fe_mul(z9, z2);
  const Fe z_5_0 = fe_mul(fe_sq(z11), z9);  // z^(2^5 - 1)
  const Fe z_10_0 = fe_mul(fe_sq_times(z_5_0, 5), z_5_0);
  const Fe z_20_0 = fe_mul(fe_sq_times(z_10_0, 10), z_10_0);
  const Fe z_40_0 = fe_mul(fe_sq_times(z_20_0, 20), z_20_0);
  const Fe z_50_0 = fe_mul(fe_sq_times(z_40_0, 10), z_10_0);
  const Fe z_100_0 = fe_mul(fe_sq_times(z_50_0, 50), z_50_0);
  const Fe z_200_0 = fe_mul(fe_sq_times(z_100_0, 100), z_100_0);
  const Fe z_250_0 = fe_mul(fe_sq_times(z_200_0, 50), z_50_0);
  return fe_mul(fe_sq_times(z_250_0, 5), z11);
}

// Swaps f and g when `swap` is 1, leaves them when 0, with the same instructions either way.
void fe_cswap(Fe& f, Fe& g, uint64_t swap) {
  const uint64_t mask = 0 - swap;
  for (int i = 0; i < 5; ++i) {
    const uint64_t x = mask & (f.l[i] ^ g.l[i]);
    f.l[i] ^= x;
    g.l[i] ^= x;
  }
}

}  // namespace

void x25519(uint8_t out[kX25519Bytes], const uint8_t scalar[kX25519Bytes],
            const uint8_t u[kX25519Bytes]) {
  uint8_t k[32];
  std::memcpy(k, scalar, 32);
  // decodeScalar25519.
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;

  const Fe x1 = fe_from_bytes(u);
  Fe x2{{1, 0, 0, 0, 0}};
  Fe z2{{0, 0, 0, 0, 0}};
  Fe x3 = x1;
  Fe z3{{1, 0, 0, 0, 0}};
  uint64_t swap = 0;
  for (int t = 254; t >= 0; --t) {
    const uint64_t k_t = (k[t >> 3] >> (t & 7)) & 1;
    swap ^= k_t;
    fe_cswap(x2, x3, swap);
    fe_cswap(z2, z3, swap);
    swap = k_t;

    const Fe a = fe_add(x2, z2);
    const Fe aa = fe_sq(a);
    const Fe b = fe_sub(x2, z2);
    const Fe bb = fe_sq(b);
    const Fe e = fe_sub(aa, bb);
    const Fe c = fe_add(x3, z3);
    const Fe d = fe_sub(x3, z3);
    const Fe da = fe_mul(d, a);
    const Fe cb = fe_mul(c, b);
    x3 = fe_sq(fe_add(da, cb));
    z3 = fe_mul(x1, fe_sq(fe_sub(da, cb)));
    x2 = fe_mul(aa, bb);
    z2 = fe_mul(e, fe_add(aa, fe_mul_small(e, 121665)));
  }
  fe_cswap(x2, x3, swap);
  fe_cswap(z2, z3, swap);
  fe_to_bytes(out, fe_mul(x2, fe_invert(z2)));
  explicit_bzero(k, sizeof k);
}

void x25519_base(uint8_t out[kX25519Bytes], const uint8_t scalar[kX25519Bytes]) {
  static const uint8_t kNine[32] = {9};
  x25519(out, scalar, kNine);
}

bool x25519_shared(uint8_t out[kX25519Bytes], const uint8_t private_key[kX25519Bytes],
                   const uint8_t public_key[kX25519Bytes]) {
  x25519(out, private_key, public_key);
  // All zero (a low-order point): `out` is zero already, so only the verdict is needed, and it
  // is computed without a branch on the bytes.
  unsigned acc = 0;
  for (size_t i = 0; i < kX25519Bytes; ++i) acc |= out[i];
  unsigned zero = (acc - 1) >> 8 & 1;
  declassify(&zero, sizeof zero);  // the verdict is public: the exchange is aborted on it
  return zero == 0;
}

X25519KeyPair x25519_from_private(const X25519Key& private_key) {
  X25519KeyPair pair;
  pair.private_key = private_key;
  x25519_base(pair.public_key.data(), pair.private_key.data());
  return pair;
}

X25519KeyPair x25519_generate() {
  std::string bytes = random_bytes(kX25519Bytes);
  X25519Key key;
  std::memcpy(key.data(), bytes.data(), kX25519Bytes);
  explicit_bzero(bytes.data(), bytes.size());
  X25519KeyPair pair = x25519_from_private(key);
  explicit_bzero(key.data(), key.size());
  return pair;
}

}  // namespace peerlink
