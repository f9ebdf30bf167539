// Fuzz target: the session's HELLO payload (`token "\n" user-name`, common/session/hello.*).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/session/hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string token, name;
  if (peerlink::decode_hello(in, &token, &name)) {
    // What decode accepts: a non-empty bounded token without a newline, split at the first one.
    if (token.empty() || token.size() > peerlink::kMaxTokenBytes) std::abort();
    if (token.find('\n') != std::string::npos) std::abort();
    if (token.size() + 1 + name.size() != in.size()) std::abort();
    if (peerlink::encode_hello(token, name) != in) std::abort();  // nothing lost or added
  } else {
    const size_t nl = in.find('\n');
    if (nl != std::string_view::npos && nl != 0 && nl <= peerlink::kMaxTokenBytes) std::abort();
  }
  // The other way round: whatever a valid token and any name encode to decodes back to them.
  const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::string t(in.substr(0, cut)), n(in.substr(cut));
  for (char& c : t)
    if (c == '\n') c = 'x';
  if (!t.empty() && t.size() <= peerlink::kMaxTokenBytes) {
    std::string t2, n2;
    if (!peerlink::decode_hello(peerlink::encode_hello(t, n), &t2, &n2)) std::abort();
    if (t2 != t || n2 != n) std::abort();
  }
  return 0;
}
