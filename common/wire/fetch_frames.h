// Payloads of the serve-mode frames (GET, RANGE, DATA, DONE) between a downloader and a file
// server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/wire/wire.h"

namespace peerlink {

// The largest GET payload a file server reads. A GET holds two short names and a ticket, so a
// small bound stops a client from making the server buffer a megabyte per connection.
inline constexpr uint32_t kMaxGetPayload = 4096;

// File bytes per DATA frame a file server sends, and the most a downloader accepts in one.
inline constexpr uint32_t kServeChunkBytes = static_cast<uint32_t>(wire::kChunkBytes);
inline constexpr uint32_t kMaxServeDataBytes = wire::kMaxFramePayload - 4;

// Frame header plus the request id: what precedes the file bytes of a DATA frame.
inline constexpr size_t kServeDataPrefixBytes = wire::kFrameHeaderBytes + 4;

// GET: `id u32 | offset u64 | length u64 | requester "\n" file-name "\n" ticket`.
// `id` is chosen by the downloader and echoed in RANGE, DATA and DONE; `file` is the name as
// the owner announced it (the one the ticket signs), not the downloader's local name.
struct GetRequest {
  uint32_t id = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string requester;
  std::string file;
  std::string ticket;
};

std::string encode_get_request(const GetRequest& request);
// False if the payload is shorter than the fixed fields, longer than kMaxGetPayload, or its text
// part does not split into exactly three fields on '\n'. Field contents are not judged here: the
// server checks them one by one so that each refusal gets its own reason.
bool decode_get_request(std::string_view payload, GetRequest* out);

// RANGE: `id u32 | file-size u64 | offset u64 | length u64` — the server's yes to a GET. Exactly
// `length` bytes of DATA frames follow, then DONE.
struct RangeReply {
  uint32_t id = 0;
  uint64_t file_size = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
};
inline constexpr size_t kRangeReplyBytes = 4 + 8 + 8 + 8;

std::string encode_range_reply(const RangeReply& reply);
// False unless the payload is exactly kRangeReplyBytes long and the range fits in the file.
bool decode_range_reply(std::string_view payload, RangeReply* out);

// True if [offset, offset + length) lies within a file of `size` bytes (overflow-safe). An empty
// range at offset == size is valid: it is how a 0-byte file is fetched.
bool range_fits(uint64_t offset, uint64_t length, uint64_t size);

// Writes the frame header and id of a DATA frame carrying `n_bytes` file bytes.
void encode_serve_data_prefix(uint32_t id, uint32_t n_bytes,
                              unsigned char out[kServeDataPrefixBytes]);

// DONE: `id u32`.
std::string encode_serve_done(uint32_t id);
// False unless the payload is exactly 4 bytes.
bool decode_serve_id(std::string_view payload, uint32_t* id);

}  // namespace peerlink
