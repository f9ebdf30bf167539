// SHA-256 (FIPS 180-4): incremental hashing of byte strings and files.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace peerlink {

// Incremental SHA-256. Feed bytes with update() in any split; finish() returns the digest and
// resets the object to the empty state so it can hash another message.
class Sha256 {
 public:
  static constexpr size_t kDigestBytes = 32;
  static constexpr size_t kBlockBytes = 64;
  using Digest = std::array<uint8_t, kDigestBytes>;

  Sha256() { reset(); }

  void update(const void* data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  Digest finish();

 private:
  void reset();
  void compress_blocks(const unsigned char* data, size_t blocks);

  uint32_t state_[8];
  unsigned char buffer_[kBlockBytes];
  size_t buffered_ = 0;     // bytes waiting in buffer_ (always < kBlockBytes between calls)
  uint64_t total_len_ = 0;  // message length so far, in bytes
};

// Whether blocks are compressed with the CPU's SHA extensions (chosen at start-up when the CPU
// has them; PEERLINK_SHA256=portable in the environment forces the portable code).
bool sha256_using_hardware();
// Forces the portable code (true) or goes back to the best available (false). For tests.
void sha256_force_portable(bool portable);

// One-shot digest of `data`.
Sha256::Digest sha256(std::string_view data);

// One-shot digest of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// Hashes the file at `path` without loading it whole (256 KiB reads). Gives the lower-case hex
// digest, or a failure such as "cannot read /x: No such file or directory".
Expected<std::string> sha256_file(const std::string& path);

}  // namespace peerlink
