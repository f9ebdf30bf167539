// Fuzz target: the resume state kept beside a download's .part (it may be cut off by a crash,
// edited, or planted). Whatever parses must be self-consistent, bounded, and survive a round trip.
// The check line is a plain SHA-256, so the target recomputes it for the bytes it is given:
// otherwise almost every input would stop at the check and the fields behind it go untested.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/bytes.h"
#include "common/fetch_state.h"
#include "common/hex.h"
#include "common/names.h"
#include "common/range_blocks.h"
#include "common/sha256.h"

namespace {

void check(std::string_view text) {
  peerlink::FetchState got;
  if (!peerlink::parse_fetch_state(text, &got)) return;
  if (!peerlink::safe_file_name(got.name) || !peerlink::is_sha256_hex(got.sha256)) std::abort();
  const peerlink::BlockMap& b = got.blocks;
  if (b.block_size() == 0 || b.count() > peerlink::kMaxBlockMapBlocks) std::abort();
  if (b.count() != peerlink::block_count(b.file_size(), b.block_size())) std::abort();
  if (b.done_bytes() > b.file_size() || b.done_count() > b.count()) std::abort();
  const std::string again = peerlink::format_fetch_state(got);
  peerlink::FetchState back;
  if (!peerlink::parse_fetch_state(again, &back)) std::abort();
  if (peerlink::format_fetch_state(back) != again) std::abort();
}

// `body` plus the check line it needs, as a writer (or a planter) would compute it.
std::string seal(std::string_view body) {
  std::string s(body);
  if (s.empty() || s.back() != '\n') s.push_back('\n');
  return s + "check " + peerlink::sha256_hex(s) + "\n";
}

const std::string kSha(64, 'b');

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check(in);
  // The input as the body, check line recomputed (a trailing check line of its own is dropped).
  const size_t own_check = in.rfind("check ");
  check(seal(own_check == std::string_view::npos ? in : in.substr(0, own_check)));
  // Behind a valid prefix, sealed, so that random bytes reach the later lines.
  check(seal("peerlink-fetch-state 1\nname a.bin\nsize 5000000\nsha256 " + kSha + "\n" +
             std::string(in)));
  // Claimed sizes: the first 16 bytes choose the size and block size, the rest is the bitmap.
  // Huge claims with tiny bitmaps must be refused without allocating from the claim.
  if (size >= 16) {
    uint64_t file_size = peerlink::get_u64(data);
    uint64_t block = peerlink::get_u64(data + 8);
    if ((data[0] & 0x80) != 0) file_size >>= (data[1] & 63);  // small sizes too
    if ((data[8] & 0x80) != 0) block = 1 + (block % (uint64_t{1} << 31));
    const std::string done = size == 16 ? std::string("-") : peerlink::to_hex(data + 16, size - 16);
    check(seal("peerlink-fetch-state 1\nname a.bin\nsize " + std::to_string(file_size) +
               "\nsha256 " + kSha + "\nblock " + std::to_string(block) + "\ndone " + done + "\n"));
  }
  return 0;
}
