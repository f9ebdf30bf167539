// The peer frame codec: type (1 byte) | length (4 bytes, big endian) | payload (bounded).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/buffer.h"
#include "common/base/io.h"
#include "common/wire/wire.h"

namespace peerlink {

struct Frame {
  uint8_t type = 0;
  std::string payload;
};

// A frame still inside the decoder's buffer (FrameDecoder::next_view): no copy of the payload.
struct FrameView {
  uint8_t type = 0;
  std::string_view payload;  // valid until the decoder's next call
};

// Header + payload as one buffer.
std::string encode_frame(uint8_t type, std::string_view payload);
void encode_frame_header(uint8_t type, uint32_t length, unsigned char out[wire::kFrameHeaderBytes]);

// A payload that is one big-endian u32 (a transfer or request id): the session's ACCEPT,
// DECLINE, DONE and the file server's DONE. Decoding is false unless it is exactly 4 bytes.
std::string encode_u32_payload(uint32_t value);
bool decode_u32_payload(std::string_view payload, uint32_t* value);

// Incremental decoder for a byte stream. Checks each length against `max_payload` before
// buffering the payload, and each type against [1, max_type].
class FrameDecoder {
 public:
  enum class Result { kFrame, kNeedMore, kTooLarge, kBadType };
  explicit FrameDecoder(uint32_t max_payload = wire::kMaxFramePayload,
                        uint8_t max_type = wire::kLastFrameType)
      : max_payload_(max_payload), max_type_(max_type) {}
  void append(const char* data, size_t len) {
    release_taken();
    buf_.append(data, len);
  }
  // Call in a loop until it stops returning kFrame. kTooLarge/kBadType are final.
  Result next(Frame* frame);
  // As next(), but the payload stays in the buffer: valid until the next call on the decoder.
  Result next_view(FrameView* frame);
  size_t buffered() const { return buf_.size() - taken_; }
  // Bytes held in memory, frames already taken included: bounded by a partial frame plus the
  // last append, whatever the length of the stream.
  size_t held() const { return buf_.held(); }

 private:
  Result need_more();
  void release_taken() {
    buf_.consume(taken_);
    taken_ = 0;
  }

  uint32_t max_payload_;
  uint8_t max_type_;
  Buffer buf_;
  size_t taken_ = 0;  // the frame next_view() gave last, still in buf_
};

// Blocking frame I/O over a socket, built on send_all/recv_exact.
Result write_frame(int fd, uint8_t type, std::string_view payload);
// On a length over `max_payload` or a type outside [1, max_type], returns kError with EPROTO.
Result read_frame(int fd, Frame* frame, uint32_t max_payload = wire::kMaxFramePayload,
                  uint8_t max_type = wire::kLastFrameType);

}  // namespace peerlink
