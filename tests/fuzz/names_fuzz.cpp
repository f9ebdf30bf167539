// Fuzz target: rules for untrusted names and text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/names.h"

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
  if (peerlink::valid_user_name(in) && (in.empty() || in.size() > 32)) std::abort();
  return 0;
}
