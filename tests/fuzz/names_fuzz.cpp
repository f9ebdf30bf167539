// Fuzz target: rules for untrusted names and text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/fs/names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string name = peerlink::sanitize_file_name(in);
  if (!peerlink::safe_file_name(name)) std::abort();
  if (peerlink::sanitize_file_name(name) != name) std::abort();  // idempotent
  std::string shown = peerlink::printable(in);
  for (size_t i = 0; i < shown.size(); ++i) {
    auto c = static_cast<unsigned char>(shown[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) std::abort();
    if (c == 0xc2 && i + 1 < shown.size()) {
      auto n = static_cast<unsigned char>(shown[i + 1]);
      if (n >= 0x80 && n <= 0x9f) std::abort();  // a C1 control survived
    }
  }
  if (peerlink::printable(shown) != shown) std::abort();  // idempotent: nothing left to replace
  // No bidi override, embedding or isolate survives (U+202A..U+202E, U+2066..U+2069).
  for (size_t i = 0; i + 2 < shown.size(); ++i) {
    if (shown[i] != '\xe2') continue;
    const auto b1 = static_cast<unsigned char>(shown[i + 1]);
    const auto b2 = static_cast<unsigned char>(shown[i + 2]);
    if (b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) std::abort();
    if (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9) std::abort();
  }
  if (peerlink::valid_user_name(in) && (in.empty() || in.size() > 32)) std::abort();
  return 0;
}
