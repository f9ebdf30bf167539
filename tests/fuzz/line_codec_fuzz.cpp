// Fuzz target: the broker line codec (line framing, field splitting, percent-encoding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/wire/line_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // Framing: feed in two pieces; every line returned is within the bound and holds no '\n'.
  peerlink::LineBuffer buf(64);
  size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::string line;
  for (std::string_view part : {in.substr(0, cut), in.substr(cut)}) {
    buf.append(part.data(), part.size());
    for (;;) {
      auto r = buf.next(&line);
      if (r != peerlink::LineBuffer::Result::kLine) break;
      if (line.size() >= 64 || line.find('\n') != std::string::npos) std::abort();
      for (std::string_view field : peerlink::split_fields(line)) {
        if (field.empty() || field.find(' ') != std::string_view::npos) std::abort();
        std::string decoded;
        if (peerlink::percent_decode(field, &decoded)) {
          std::string again;
          if (!peerlink::percent_decode(peerlink::percent_encode(decoded), &again)) std::abort();
          if (again != decoded) std::abort();
        }
      }
    }
  }
  // Encoding any bytes gives one safe field that decodes back to them.
  std::string enc = peerlink::percent_encode(in);
  for (char c : enc) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) std::abort();
  }
  std::string dec;
  if (!peerlink::percent_decode(enc, &dec) || dec != in) std::abort();
  return 0;
}
