// Fuzz target: the peer frame decoder and payload reader.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/bytes.h"
#include "common/wire/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  peerlink::FrameDecoder dec(4096);
  size_t pos = 0;
  peerlink::Frame f;
  while (pos < size) {
    size_t step = 1 + (data[pos] % 37);
    if (step > size - pos) step = size - pos;
    dec.append(reinterpret_cast<const char*>(data) + pos, step);
    pos += step;
    for (;;) {
      auto r = dec.next(&f);
      if (r == peerlink::FrameDecoder::Result::kFrame) {
        if (f.payload.size() > 4096 || f.type == 0 || f.type > peerlink::wire::kLastFrameType) {
          std::abort();
        }
        peerlink::ByteReader rd(f.payload);
        uint32_t a = 0;
        uint64_t b = 0;
        std::string s;
        rd.u32(&a);
        rd.u64(&b);
        rd.bytes(32, &s);
        (void)rd.rest();
        continue;
      }
      if (r != peerlink::FrameDecoder::Result::kNeedMore) return 0;  // final error: stop
      break;
    }
  }
  return 0;
}
