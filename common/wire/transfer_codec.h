// Payload layouts of the session's transfer frames: OFFER, ACCEPT/DECLINE/DONE, DATA, CANCEL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/wire/wire.h"

namespace peerlink {

// An OFFER: `id u32 | size u64 | sha256 (32 bytes) | file name` (docs/PROTOCOL.md section 2).
// A sha256 of 32 zero bytes (kDigestFollows) says the digest is not known yet: the sender hashes
// the bytes as it sends them and DONE carries it.
struct Offer {
  uint32_t id = 0;
  uint64_t size = 0;
  std::string sha256;  // 32 raw bytes; kDigestFollows if it comes with DONE
  std::string name;    // as sent: untrusted until passed through sanitize_file_name()
};

inline constexpr size_t kSha256Bytes = 32;
// The OFFER's sha256 when the digest follows with DONE (no file hashes to it in practice).
inline const std::string kDigestFollows(kSha256Bytes, '\0');
inline bool digest_follows(std::string_view sha256) { return sha256 == kDigestFollows; }
// Longest offered name accepted on the wire. Longer ones are a protocol error: no file system
// takes them, and sanitize_file_name() cuts names to 255 bytes anyway.
inline constexpr size_t kMaxOfferedNameBytes = 4096;

std::string encode_offer(const Offer& offer);
// False unless the payload holds the fixed fields and a name of 1..kMaxOfferedNameBytes bytes.
bool decode_offer(std::string_view payload, Offer* offer);

// ACCEPT and DECLINE carry just `id u32`.
std::string encode_transfer_id(uint32_t id);
// False unless the payload is exactly 4 bytes.
bool decode_transfer_id(std::string_view payload, uint32_t* id);

// DONE: `id u32 | sha256 (32 bytes)`, the digest of the bytes the sender sent.
std::string encode_done(uint32_t id, std::string_view sha256);
inline constexpr size_t kDonePayloadBytes = 4 + kSha256Bytes;
// False unless the payload is exactly kDonePayloadBytes bytes.
bool decode_done(std::string_view payload, uint32_t* id, std::string* sha256);

// DATA: `id u32 | bytes`, at most wire::kChunkBytes file bytes.
inline constexpr size_t kDataPrefixBytes = wire::kFrameHeaderBytes + 4;
// Writes the frame header and id of a DATA frame carrying `len` bytes, so the sender can read
// file bytes straight into the buffer behind it.
void encode_data_prefix(uint32_t id, uint32_t len, unsigned char out[kDataPrefixBytes]);
// False if the payload is shorter than the id or carries more than wire::kChunkBytes bytes.
// `bytes` points into `payload`.
bool decode_data(std::string_view payload, uint32_t* id, std::string_view* bytes);

// CANCEL: `id u32 | reason`.
std::string encode_cancel(uint32_t id, std::string_view reason);
bool decode_cancel(std::string_view payload, uint32_t* id, std::string* reason);

}  // namespace peerlink
