// A background download as the lobby follows it: the downloader's --progress-fd lines
// (docs/SHARING.md, "Output") and the text `transfers` shows for them. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace peerlink::lobby {

// One --progress-fd line:
//   progress <done-bytes> <total-bytes> <bytes-per-second> <active-sources>
//   resumed <done-bytes> <total-bytes>     (a .part of an earlier run is carried on)
//   done <percent-encoded final path>
//   failed <percent-encoded reason>
struct FetchProgress {
  enum class Kind { kProgress, kResumed, kDone, kFailed };
  Kind kind = Kind::kProgress;
  uint64_t done = 0;
  uint64_t total = 0;
  uint64_t rate = 0;    // bytes per second
  uint64_t active = 0;  // kResumed: 0
  std::string text;     // kDone: the final path; kFailed: the reason (both decoded)
};
// False for anything else (a malformed or unknown line, which the lobby ignores).
bool parse_fetch_progress(std::string_view line, FetchProgress* out);

// What the lobby says when a download carries on a .part:
//   "resuming report.pdf at 12.0 MiB of 50.0 MiB (24%)"   (name made printable)
std::string resumed_text(std::string_view name, uint64_t done, uint64_t total);

// "999 bytes", "1.5 KiB", "100.0 MiB", "2.0 GiB".
std::string size_text(uint64_t bytes);

// The `transfers` line of a running download, with the session's rate, ETA and percent texts
// (common/term/progress.h), so one transfer reads the same wherever it is shown:
//   "  big.bin  45% of 100.0 MiB  11.7 MiB/s  ETA 0:05  2 of 3 sources"
// (ETA "--:--" while nothing moves).
std::string running_transfer_line(std::string_view name, uint64_t done, uint64_t total,
                                  uint64_t rate, uint64_t active, size_t sources);

}  // namespace peerlink::lobby
