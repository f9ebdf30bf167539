// Fuzz target: the resume state kept beside a download's .part (it may be cut off by a crash or
// edited). Whatever parses must be self-consistent and survive a round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/fetch_state.h"
#include "common/hex.h"
#include "common/names.h"

namespace {

void check(std::string_view text) {
  peerlink::FetchState got;
  if (!peerlink::parse_fetch_state(text, &got)) return;
  if (!peerlink::safe_file_name(got.name) || !peerlink::is_sha256_hex(got.sha256)) std::abort();
  if (got.blocks.done_bytes() > got.blocks.file_size()) std::abort();
  const std::string again = peerlink::format_fetch_state(got);
  peerlink::FetchState back;
  if (!peerlink::parse_fetch_state(again, &back)) std::abort();
  if (peerlink::format_fetch_state(back) != again) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check(in);
  // Behind a valid prefix too, so that random bytes reach the later lines.
  check("peerlink-fetch-state 1\nname a.bin\nsize 5000000\nsha256 " + std::string(64, 'b') + "\n" +
        std::string(in));
  return 0;
}
