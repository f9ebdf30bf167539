// The peer frame codec.
#include "common/wire/frame.h"

#include <cerrno>

#include "common/base/bytes.h"

namespace peerlink {

void encode_frame_header(uint8_t type, uint32_t length,
                         unsigned char out[wire::kFrameHeaderBytes]) {
  out[0] = type;
  out[1] = static_cast<unsigned char>(length >> 24);
  out[2] = static_cast<unsigned char>(length >> 16);
  out[3] = static_cast<unsigned char>(length >> 8);
  out[4] = static_cast<unsigned char>(length);
}

std::string encode_u32_payload(uint32_t value) {
  std::string out;
  put_u32(&out, value);
  return out;
}

bool decode_u32_payload(std::string_view payload, uint32_t* value) {
  if (payload.size() != 4) return false;
  *value = get_u32(reinterpret_cast<const unsigned char*>(payload.data()));
  return true;
}

std::string encode_frame(uint8_t type, std::string_view payload) {
  unsigned char header[wire::kFrameHeaderBytes];
  encode_frame_header(type, static_cast<uint32_t>(payload.size()), header);
  std::string out(reinterpret_cast<char*>(header), sizeof header);
  out.append(payload);
  return out;
}

FrameDecoder::Result FrameDecoder::next(Frame* frame) {
  FrameView view;
  const Result r = next_view(&view);
  if (r != Result::kFrame) return r;
  frame->type = view.type;
  frame->payload.assign(view.payload.data(), view.payload.size());
  return r;
}

FrameDecoder::Result FrameDecoder::next_view(FrameView* frame) {
  release_taken();
  const size_t avail = buf_.size();
  if (avail < wire::kFrameHeaderBytes) return need_more();
  auto* p = reinterpret_cast<const unsigned char*>(buf_.data());
  uint8_t type = p[0];
  uint32_t len = get_u32(p + 1);
  if (type == 0 || type > max_type_) return Result::kBadType;
  if (len > max_payload_) return Result::kTooLarge;
  if (avail < wire::kFrameHeaderBytes + len) return need_more();
  frame->type = type;
  // Consumed at the next call, so the bytes stay where they are until then.
  frame->payload = std::string_view(buf_.data() + wire::kFrameHeaderBytes, len);
  taken_ = wire::kFrameHeaderBytes + len;
  return Result::kFrame;
}

FrameDecoder::Result FrameDecoder::need_more() {
  // Drop the frames already taken before more bytes are appended, so the buffer holds at most a
  // partial frame plus one read, however long the stream runs. (Keeping them until a read ended
  // exactly on a frame let a session hold a whole 1 GiB file: reads rarely end on a frame.) This
  // compacts more eagerly than Buffer would on its own, and still moves each byte at most once:
  // what is moved is the frame waited for, and nothing is taken (so nothing compacted) again
  // before that frame is whole and taken itself.
  buf_.compact();
  return Result::kNeedMore;
}

Result write_frame(int fd, uint8_t type, std::string_view payload) {
  unsigned char header[wire::kFrameHeaderBytes];
  encode_frame_header(type, static_cast<uint32_t>(payload.size()), header);
  if (payload.size() <= 64 * 1024) {  // one write for small frames keeps chat frames whole
    std::string buf(reinterpret_cast<char*>(header), sizeof header);
    buf.append(payload);
    return send_all(fd, buf);
  }
  Result r = send_all(fd, header, sizeof header);
  if (!r.ok()) return r;
  return send_all(fd, payload.data(), payload.size());
}

Result read_frame(int fd, Frame* frame, uint32_t max_payload, uint8_t max_type) {
  unsigned char header[wire::kFrameHeaderBytes];
  Result r = recv_exact(fd, header, sizeof header);
  if (!r.ok()) return r;
  uint32_t len = get_u32(header + 1);
  if (header[0] == 0 || header[0] > max_type || len > max_payload)
    return Result::system("", EPROTO);
  frame->type = header[0];
  frame->payload.resize(len);
  if (len == 0) return {};
  return recv_exact(fd, frame->payload.data(), len);
}

}  // namespace peerlink
