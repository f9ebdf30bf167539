// Payload layouts of the session's transfer frames: OFFER, ACCEPT/DECLINE/DONE, DATA, CANCEL.
#include "common/wire/transfer_codec.h"

#include "common/base/bytes.h"
#include "common/wire/frame.h"

namespace peerlink {

std::string encode_offer(const Offer& offer) {
  std::string out;
  out.reserve(4 + 8 + kSha256Bytes + offer.name.size());
  put_u32(&out, offer.id);
  put_u64(&out, offer.size);
  out.append(offer.sha256);
  out.append(offer.name);
  return out;
}

bool decode_offer(std::string_view payload, Offer* offer) {
  ByteReader r(payload);
  Offer o;
  r.u32(&o.id);
  r.u64(&o.size);
  r.bytes(kSha256Bytes, &o.sha256);
  if (!r.ok()) return false;
  const std::string_view name = r.rest();
  if (name.empty() || name.size() > kMaxOfferedNameBytes) return false;
  o.name.assign(name);
  *offer = std::move(o);
  return true;
}

std::string encode_transfer_id(uint32_t id) { return encode_u32_payload(id); }

bool decode_transfer_id(std::string_view payload, uint32_t* id) {
  return decode_u32_payload(payload, id);
}

std::string encode_done(uint32_t id, std::string_view sha256) {
  std::string out = encode_u32_payload(id);
  out.append(sha256);
  return out;
}

bool decode_done(std::string_view payload, uint32_t* id, std::string* sha256) {
  if (payload.size() != kDonePayloadBytes) return false;
  if (!decode_u32_payload(payload.substr(0, 4), id)) return false;
  sha256->assign(payload.substr(4));
  return true;
}

void encode_data_prefix(uint32_t id, uint32_t len, unsigned char out[kDataPrefixBytes]) {
  encode_frame_header(wire::kData, len + 4, out);
  unsigned char* p = out + wire::kFrameHeaderBytes;
  p[0] = static_cast<unsigned char>(id >> 24);
  p[1] = static_cast<unsigned char>(id >> 16);
  p[2] = static_cast<unsigned char>(id >> 8);
  p[3] = static_cast<unsigned char>(id);
}

bool decode_data(std::string_view payload, uint32_t* id, std::string_view* bytes) {
  ByteReader r(payload);
  if (!r.u32(id)) return false;
  *bytes = r.rest();
  return bytes->size() <= wire::kChunkBytes;
}

std::string encode_cancel(uint32_t id, std::string_view reason) {
  std::string out;
  put_u32(&out, id);
  out.append(reason);
  return out;
}

bool decode_cancel(std::string_view payload, uint32_t* id, std::string* reason) {
  ByteReader r(payload);
  if (!r.u32(id)) return false;
  reason->assign(r.rest());
  return true;
}

}  // namespace peerlink
