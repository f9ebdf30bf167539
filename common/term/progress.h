// Transfer progress: rate and ETA strings, when to report, and the bar or plain lines shown.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/term/terminal.h"

namespace peerlink {

using ProgressClock = std::chrono::steady_clock;

// "0 B", "999 B", "1.5 KiB", "50.0 MiB", "512 MiB", "1.2 GiB": 1024-based units, one decimal
// below 100 (rounded down, so a size never looks bigger than it is), none from 100 up.
std::string format_size(uint64_t bytes);

// "0 B/s", "999 B/s", "1.5 KiB/s", "12.3 MiB/s", "512 MiB/s", "1.2 GiB/s": 1024-based units, one
// decimal below 100, none from 100 up. Negative or non-finite rates print as "0 B/s".
std::string format_rate(double bytes_per_second);

// "0:07", "12:34", "1:02:03". "--:--" when unknown: negative, not finite, or 100 hours or more.
std::string format_eta(double seconds);

// done * 100 / total, rounded down and capped at 100; 100 when total is 0.
int percent_of(uint64_t done, uint64_t total);

// The arithmetic of one transfer's progress. Time is passed in, so tests can drive it.
class ProgressMeter {
 public:
  ProgressMeter(uint64_t total, ProgressClock::time_point start) : total_(total), start_(start) {}

  uint64_t total() const { return total_; }
  // Average bytes per second since start; 0 before any time has passed.
  double rate(uint64_t done, ProgressClock::time_point now) const;
  // Seconds left at the average rate: 0 when done, -1 when unknown (no rate yet).
  double eta_seconds(uint64_t done, ProgressClock::time_point now) const;

  // The plain-output milestone that `done` newly reaches, or -1: 0 on the first call, then 25,
  // 50 or 75 once each (when one step passes several, only the highest). 100 % is never one: the
  // "sent"/"received" line reports completion.
  int take_milestone(uint64_t done);

  // "<name>: <pct>% <rate> ETA <eta>" (docs/HANDOFF.md), with the given percentage.
  std::string plain_line(std::string_view name, int pct, uint64_t done,
                         ProgressClock::time_point now) const;
  // "<name> [#####.....]  42% 12.3 MiB/s ETA 0:05" with a bar `bar_width` cells wide.
  std::string bar(std::string_view name, uint64_t done, ProgressClock::time_point now,
                  int bar_width = 24) const;

 private:
  uint64_t total_;
  ProgressClock::time_point start_;
  int next_milestone_ = 0;  // 0, 25, 50, 75, then 100 = nothing left to report
};

// One transfer's progress shown on a Console: a live bar redrawn at most every 100 ms on a
// terminal, plain lines at 0/25/50/75 % elsewhere. Not thread-safe: the owner serialises calls.
class TransferProgress {
 public:
  // `key` identifies the bar among the console's status entries; `name` must be printable.
  TransferProgress(Console* console, uint64_t key, std::string name, uint64_t total);
  ~TransferProgress();  // removes the bar
  TransferProgress(const TransferProgress&) = delete;
  TransferProgress& operator=(const TransferProgress&) = delete;

  // Reports that `done` bytes have moved. The first call (usually with 0) reports 0 %.
  void update(uint64_t done);

 private:
  Console* console_;
  uint64_t key_;
  std::string name_;
  ProgressMeter meter_;
  ProgressClock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace peerlink
