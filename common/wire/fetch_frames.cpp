// Payloads of the serve-mode frames between a downloader and a file server.
#include "common/wire/fetch_frames.h"

#include <utility>

#include "common/base/bytes.h"
#include "common/wire/frame.h"

namespace peerlink {
namespace {

constexpr size_t kGetFixedBytes = 4 + 8 + 8;

}  // namespace

std::string encode_get_request(const GetRequest& request) {
  std::string out;
  out.reserve(kGetFixedBytes + request.requester.size() + request.file.size() +
              request.ticket.size() + 2);
  put_u32(&out, request.id);
  put_u64(&out, request.offset);
  put_u64(&out, request.length);
  out.append(request.requester).push_back('\n');
  out.append(request.file).push_back('\n');
  out.append(request.ticket);
  return out;
}

bool decode_get_request(std::string_view payload, GetRequest* out) {
  if (payload.size() > kMaxGetPayload) return false;
  ByteReader r(payload);
  GetRequest g;
  if (!r.u32(&g.id) || !r.u64(&g.offset) || !r.u64(&g.length)) return false;
  const std::string_view text = r.rest();
  const size_t first = text.find('\n');
  if (first == std::string_view::npos) return false;
  const size_t second = text.find('\n', first + 1);
  if (second == std::string_view::npos) return false;
  // A third '\n' would make the ticket ambiguous; tickets never hold one.
  if (text.find('\n', second + 1) != std::string_view::npos) return false;
  g.requester.assign(text.substr(0, first));
  g.file.assign(text.substr(first + 1, second - first - 1));
  g.ticket.assign(text.substr(second + 1));
  *out = std::move(g);
  return true;
}

std::string encode_range_reply(const RangeReply& reply) {
  std::string out;
  out.reserve(kRangeReplyBytes);
  put_u32(&out, reply.id);
  put_u64(&out, reply.file_size);
  put_u64(&out, reply.offset);
  put_u64(&out, reply.length);
  return out;
}

bool decode_range_reply(std::string_view payload, RangeReply* out) {
  if (payload.size() != kRangeReplyBytes) return false;
  ByteReader r(payload);
  RangeReply rr;
  r.u32(&rr.id);
  r.u64(&rr.file_size);
  r.u64(&rr.offset);
  r.u64(&rr.length);
  if (!r.ok() || !range_fits(rr.offset, rr.length, rr.file_size)) return false;
  *out = rr;
  return true;
}

bool range_fits(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

void encode_serve_data_prefix(uint32_t id, uint32_t n_bytes,
                              unsigned char out[kServeDataPrefixBytes]) {
  encode_frame_header(wire::kData, n_bytes + 4, out);
  unsigned char* p = out + wire::kFrameHeaderBytes;
  p[0] = static_cast<unsigned char>(id >> 24);
  p[1] = static_cast<unsigned char>(id >> 16);
  p[2] = static_cast<unsigned char>(id >> 8);
  p[3] = static_cast<unsigned char>(id);
}

std::string encode_serve_done(uint32_t id) { return encode_u32_payload(id); }

bool decode_serve_id(std::string_view payload, uint32_t* id) {
  return decode_u32_payload(payload, id);
}

}  // namespace peerlink
