// What the lobby shares: the last scan of its folder, when to look at the folder again, and the
// ANNOUNCE request that tells the broker (docs/PROTOCOL.md, "Shared files").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/sharing/scan.h"
#include "client/sharing/scanner.h"
#include "common/wire/broker_limits.h"

namespace peerlink::lobby {

// Lobby thread only. Owns the background scanner.
//
// Noticing changes: every kPollInterval the lobby calls poll(), which compares the folder's cheap
// fingerprint (names, sizes, mtimes) with the last scan's. A rescan is due once the folder differs
// from the last scan *and* has not changed since the previous poll, so a file still being copied
// in is not hashed again and again while it grows.
class Shares {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kPollInterval{2};
  static constexpr size_t kMaxAnnounced = wire::kMaxFilesPerUser;  // the broker's limit per user

  explicit Shares(std::string dir) : dir_(dir), scanner_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  // Background scans (see ShareScanner).
  bool start_scan() { return scanner_.start(); }
  bool scanning() const { return scanner_.busy(); }
  int wake_fd() const { return scanner_.wake_fd(); }
  std::optional<ShareScan> take_scan() { return scanner_.take(); }
  std::optional<ShareScan> wait_scan() { return scanner_.wait(); }

  Clock::time_point next_poll() const { return next_poll_; }
  // Call once next_poll() has passed. True if a rescan is due (see above).
  bool poll(Clock::time_point now);
  // True if the folder still has the fingerprint of the last scan.
  bool up_to_date() const;

  // Makes a finished scan the current set. True if the announced set changes with it (or none was
  // taken before). *fresh_warnings gets the scan's warnings that the previous scan did not have,
  // so a problem is reported once, not at every rescan.
  bool apply(ShareScan scan, std::vector<std::string>* fresh_warnings);
  bool have_scan() const { return have_scan_; }
  // The folder could not be read at the last scan (error()); nothing is shared then.
  bool failed() const { return have_scan_ && !scan_.ok; }
  const std::string& error() const { return scan_.error; }
  // What is announced: the scan's files, at most kMaxAnnounced of them.
  const std::vector<ShareEntry>& files() const { return scan_.files; }
  size_t found() const { return found_; }  // files the scan found, before the cap
  const SkipCounts& skipped() const { return scan_.skipped; }  // what the last scan left out
  const ShareEntry* find(std::string_view name) const;
  // "ANNOUNCE <n>\n" followed by n "FILE <name> <size> <sha256>\n" lines.
  std::string announce_request() const;

  // Whether the broker holds the current set (false after a scan or a lost connection).
  bool announced() const { return announced_; }
  void set_announced(bool yes) { announced_ = yes; }

 private:
  const std::string dir_;
  ShareScanner scanner_;
  ShareScan scan_;
  bool have_scan_ = false;
  size_t found_ = 0;
  bool announced_ = false;
  std::string last_polled_;  // the fingerprint seen by the previous poll()
  Clock::time_point next_poll_ = Clock::now() + kPollInterval;
};

}  // namespace peerlink::lobby
