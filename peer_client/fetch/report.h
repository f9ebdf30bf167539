// What a download tells the world: human lines on stdout and machine-readable progress lines on
// --progress-fd.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

namespace peerlink::peer_client {

// Thread-safe. Every line goes out with one write(), so lines from several threads never mix,
// even when the progress fd is stdout. Does not own the progress fd.
//
// Progress-fd lines (docs/SHARING.md):
//   progress <done-bytes> <total-bytes> <bytes-per-second> <active-sources>
//   resumed <done-bytes> <total-bytes>         (first, when a .part is carried on)
//   done <percent-encoded final path>          (last line on success)
//   failed <percent-encoded reason>            (last line on failure)
class FetchReporter {
 public:
  FetchReporter(std::string name, uint64_t total, int progress_fd);

  // Starts the clock. Percentages already passed when the download starts (a resume) are not
  // announced again.
  void start_at(uint64_t done);
  // A .part of an earlier run is carried on with `done` bytes already there: the progress-fd
  // line saying so (the human line is say()'s).
  void resumed(uint64_t done);
  // A human line on stdout ('\n' appended).
  void say(const std::string& line);
  // Called a few times a second: `done` bytes of the file are on disk, `received` bytes arrived in
  // this run (for the rate), `active` sources are connected. Writes a progress line, and (unless
  // `last`, when it would only be noise) a human line when 25, 50 or 75 % is first passed.
  void tick(uint64_t done, uint64_t received, int active, bool last = false);
  // The last progress-fd line.
  void finished(bool ok, const std::string& path_or_reason);
  // Bytes per second over the last two seconds or so (since the start, early on).
  double rate() const;

 private:
  void emit(int fd, std::string line);
  bool passed(uint64_t done, int quarter) const;

  const std::string name_;
  const uint64_t total_;
  int progress_fd_;  // -1 once a write to it failed (its reader is gone)
  mutable std::mutex mu_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> samples_;
  int next_quarter_ = 1;  // the next of 25/50/75 % to announce
};

}  // namespace peerlink::peer_client
