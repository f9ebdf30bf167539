// The lobby's paused downloads on their way back: which to try next, which wait for an owner to
// come back, and when to give up on them (docs/SHARING.md, "Downloads paused by a chat session").
// Pure: no I/O, time passed in.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/downloads/paused.h"

namespace peerlink::lobby {

// Each download is either due (to be tried: the lobby asks the broker who has it) or waiting for
// an owner. A chat partner that owns the file comes back to the lobby at about the same time as
// we do, and its files reach the broker only once it has registered and announced: so a download
// that nobody shares at first waits, is tried again whenever someone announces files, and is given
// up kOwnerWait after it first found nobody. One entry per local name. A plain value.
class ResumeQueue {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kOwnerWait{30};

  // Queues `d` as due. False (nothing changes) if a download of that name is queued already.
  bool add(PausedDownload d);
  // The oldest due download (it stays queued until remove() or wait_for_owner()).
  std::optional<PausedDownload> next_due() const;
  bool has_due() const { return next_due().has_value(); }
  // Takes `name` off the queue: resumed, or dropped.
  void remove(std::string_view name);

  // Nobody shares `name` right now: it waits for owners_changed(). True the first time it waits
  // (say so); its deadline is then set to now + kOwnerWait, and kept if it has to wait again.
  bool wait_for_owner(std::string_view name, Clock::time_point now);
  // Someone announced files (or we registered again): every waiting download is due again.
  void owners_changed();
  // Takes off the waiting downloads whose deadline has passed.
  std::vector<PausedDownload> take_expired(Clock::time_point now);
  // The earliest deadline of a waiting download.
  std::optional<Clock::time_point> next_deadline() const;

  // Takes everything off (for the next pause file, or to report at `quit`), oldest first.
  std::vector<PausedDownload> take_all();
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    PausedDownload download;
    bool due = true;
    std::optional<Clock::time_point> deadline;  // set once it first found nobody
  };
  std::vector<Entry> entries_;  // oldest first
};

}  // namespace peerlink::lobby
