// Fuzz target: the broker's names state file loader (server/name_keys). Whatever the file holds,
// loading stays within max_bindings, and what it kept is written back in a form that loads
// again to the same bindings with no bad line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/name_keys.h"

using peerlink::broker::NameKeys;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMaxBindings = 64;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  NameKeys names("", 1000, kMaxBindings);
  auto report = names.load_text(in);
  if (!report.ok()) {
    if (names.size() != 0) std::abort();
    return 0;
  }
  if (names.size() > kMaxBindings || report->bindings != names.size()) std::abort();
  if (names.dirty()) std::abort();
  const std::string text = names.text();
  NameKeys again("", 1000, kMaxBindings);
  auto reloaded = again.load_text(text);
  if (!reloaded.ok() || reloaded->bad_lines != 0 || again.text() != text) std::abort();
  // Claims on what was loaded keep the bound.
  peerlink::X25519Key key{};
  for (size_t i = 0; i < 4 && i < size; ++i) key[i] = data[i];
  (void)names.claim("fuzz", key, 5000);
  if (names.size() > kMaxBindings) std::abort();
  return 0;
}
