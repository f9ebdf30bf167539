// Fuzz target: the pause file a lobby reads back after a chat session (it may have been edited,
// cut off or planted). Whatever parses must be safe to act on and must survive a round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_set>

#include "client/downloads/paused.h"
#include "common/base/hex.h"
#include "common/fs/names.h"

using namespace peerlink;
using namespace peerlink::lobby;

namespace {

void check(std::string_view text) {
  Expected<PausedDownloads> parsed = parse_paused(text);
  if (!parsed) {
    if (parsed.message().empty()) std::abort();  // a refusal always says why
    return;
  }
  const PausedDownloads& got = *parsed;
  if (!valid_user_name(got.user)) std::abort();
  if (got.downloads.size() > kMaxPausedDownloads) std::abort();
  std::unordered_set<std::string> names;
  for (const PausedDownload& d : got.downloads) {
    // Each name becomes NAME.part in the downloads folder: it must be a plain, safe base name.
    if (!safe_file_name(d.name) || sanitize_file_name(d.name) != d.name) {
      std::abort();
    }
    if (!is_sha256_hex(d.sha256) || !names.insert(d.name).second) std::abort();
  }
  const std::string again = format_paused(got);
  Expected<PausedDownloads> back = parse_paused(again);
  if (!back || !(*back == got)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  check(in);
  // Behind a valid header too, so that random bytes reach the download lines.
  check("peerlink-paused 1\nuser alice\n" + std::string(in));
  check("peerlink-paused 1\nuser alice\ndownload 5 " + std::string(64, 'a') + " " +
        std::string(in));
  return 0;
}
