// Fuzz target: the resume state kept beside a download's .part (it may be cut off by a crash,
// edited, or planted). Whatever parses must be self-consistent, bounded, and survive a round trip.
// The check line is a plain SHA-256, so the target recomputes it for the bytes it is given:
// otherwise almost every input would stop at the check and the fields behind it go untested.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/base/bytes.h"
#include "common/base/hex.h"
#include "common/crypto/sha256.h"
#include "common/fs/names.h"
#include "peer_client/fetch/range_blocks.h"
#include "peer_client/fetch/state.h"

using namespace peerlink;
using namespace peerlink::peer_client;

namespace {

void check(std::string_view text) {
  FetchState got;
  if (!parse_fetch_state(text, &got)) return;
  if (!safe_file_name(got.name) || !is_sha256_hex(got.sha256)) std::abort();
  const BlockMap& b = got.blocks;
  if (b.block_size() == 0 || b.count() > kMaxBlockMapBlocks) std::abort();
  if (b.count() != block_count(b.file_size(), b.block_size())) std::abort();
  if (b.done_bytes() > b.file_size() || b.done_count() > b.count()) std::abort();
  const std::string again = format_fetch_state(got);
  FetchState back;
  if (!parse_fetch_state(again, &back)) std::abort();
  if (format_fetch_state(back) != again) std::abort();
}

// `body` plus the check line it needs, as a writer (or a planter) would compute it.
std::string seal(std::string_view body) {
  std::string s(body);
  if (s.empty() || s.back() != '\n') s.push_back('\n');
  return s + "check " + sha256_hex(s) + "\n";
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
    uint64_t file_size = get_u64(data);
    uint64_t block = get_u64(data + 8);
    if ((data[0] & 0x80) != 0) file_size >>= (data[1] & 63);  // small sizes too
    if ((data[8] & 0x80) != 0) block = 1 + (block % (uint64_t{1} << 31));
    const std::string done = size == 16 ? std::string("-") : to_hex(data + 16, size - 16);
    check(seal("peerlink-fetch-state 1\nname a.bin\nsize " + std::to_string(file_size) +
               "\nsha256 " + kSha + "\nblock " + std::to_string(block) + "\ndone " + done + "\n"));
  }
  return 0;
}
