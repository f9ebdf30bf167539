// SHA-256 (FIPS 180-4): incremental hashing of byte strings and files.
#include "common/crypto/sha256.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/crypto/sha256_blocks.h"

namespace peerlink {
namespace {

// FIPS 180-4 section 5.3.3: first 32 bits of the fractional parts of the square roots of the
// first 8 primes.
constexpr uint32_t kInitial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

constexpr size_t kFileChunk = 256 * 1024;

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t load_be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline void store_be32(uint32_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

void Sha256::reset() {
  std::memcpy(state_, kInitial, sizeof(state_));
  std::memset(buffer_, 0, sizeof(buffer_));
  buffered_ = 0;
  total_len_ = 0;
}

}  // namespace peerlink

namespace peerlink::sha256_detail {

alignas(16) const uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The compression function (FIPS 180-4 section 6.2.2) applied to each 64-byte block in turn.
void compress_portable(uint32_t state[8], const unsigned char* data, size_t blocks) {
  for (; blocks > 0; --blocks, data += 64) {
    const unsigned char* block = data;
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; ++t) {
      const uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const uint32_t ch = (e & f) ^ (~e & g);
      const uint32_t t1 = h + big_s1 + ch + kRoundConstants[t] + w[t];
      const uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const uint32_t t2 = big_s0 + maj;
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

}  // namespace peerlink::sha256_detail

namespace peerlink {
namespace {

// Chosen once: the SHA extensions when the CPU has them. PEERLINK_SHA256=portable forces the
// portable code (and tests switch with sha256_force_portable to check both).
std::atomic<bool> g_use_hardware{[] {
  const char* forced = std::getenv("PEERLINK_SHA256");
  if (forced != nullptr && std::string_view(forced) == "portable") return false;
  return sha256_detail::shani_supported();
}()};

}  // namespace

bool sha256_using_hardware() { return g_use_hardware.load(std::memory_order_relaxed); }

void sha256_force_portable(bool portable) {
  g_use_hardware.store(!portable && sha256_detail::shani_supported(), std::memory_order_relaxed);
}

void Sha256::compress_blocks(const unsigned char* data, size_t blocks) {
  if (sha256_using_hardware()) {
    sha256_detail::compress_shani(state_, data, blocks);
  } else {
    sha256_detail::compress_portable(state_, data, blocks);
  }
}

void Sha256::update(const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
  total_len_ += len;

  // Top up a partially filled block first.
  if (buffered_ > 0) {
    const size_t take = std::min(len, kBlockBytes - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    len -= take;
    if (buffered_ < kBlockBytes) return;
    compress_blocks(buffer_, 1);
    buffered_ = 0;
  }
  // Whole blocks straight from the caller's memory, no copy.
  if (len >= kBlockBytes) {
    const size_t blocks = len / kBlockBytes;
    compress_blocks(p, blocks);
    p += blocks * kBlockBytes;
    len -= blocks * kBlockBytes;
  }
  if (len > 0) {
    std::memcpy(buffer_, p, len);
    buffered_ = len;
  }
}

Sha256::Digest Sha256::finish() {
  // Padding (FIPS 180-4 section 5.1.1): a 1 bit, zeros up to 56 mod 64, then the bit length as a
  // 64-bit big-endian integer.
  const uint64_t bit_len = total_len_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > kBlockBytes - 8) {
    std::memset(buffer_ + buffered_, 0, kBlockBytes - buffered_);
    compress_blocks(buffer_, 1);
    buffered_ = 0;
  }
  std::memset(buffer_ + buffered_, 0, kBlockBytes - 8 - buffered_);
  for (size_t i = 0; i < 8; ++i) {
    buffer_[kBlockBytes - 1 - i] = static_cast<unsigned char>(bit_len >> (8 * i));
  }
  compress_blocks(buffer_, 1);

  Digest digest;
  for (int i = 0; i < 8; ++i) store_be32(state_[i], digest.data() + 4 * i);
  reset();
  return digest;
}

Sha256::Digest sha256(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

std::string sha256_hex(std::string_view data) {
  const Sha256::Digest d = sha256(data);
  return to_hex(d.data(), d.size());
}

Expected<std::string> sha256_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Result::system("cannot read " + path, errno);
  // Heap buffer: 256 KiB is too much for some thread stacks.
  std::unique_ptr<unsigned char[]> chunk(new unsigned char[kFileChunk]);
  Sha256 h;
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk.get(), kFileChunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Result::system("cannot read " + path, errno);
    }
    if (n == 0) break;
    h.update(chunk.get(), static_cast<size_t>(n));
  }
  const Sha256::Digest d = h.finish();
  return to_hex(d.data(), d.size());
}

}  // namespace peerlink
