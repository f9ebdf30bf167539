// The lines a background download writes on its --progress-fd for the lobby that started it
// (`_peer_client --fetch` to `_c`; docs/SHARING.md, "Output"):
//   progress <done-bytes> <total-bytes> <bytes-per-second> <active-sources>
//   resumed <done-bytes> <total-bytes>         (once, first, when a .part is carried on)
//   done <percent-encoded final path>          (the last line on success)
//   failed <percent-encoded reason>            (the last line on failure)
#pragma once

#include <cstddef>
#include <string_view>

namespace peerlink::wire::progress {

inline constexpr std::string_view kProgress = "progress";
inline constexpr std::string_view kResumed = "resumed";
inline constexpr std::string_view kDone = "done";
inline constexpr std::string_view kFailed = "failed";

// The longest line the lobby reads, counting its '\n': a percent-encoded path of PATH_MAX bytes
// fits. The lobby drops a longer one (and what it had of it) and keeps reading.
inline constexpr size_t kMaxLineBytes = 16 * 1024;

}  // namespace peerlink::wire::progress
