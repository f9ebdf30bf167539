// Finds, on a background thread, which paused downloads are already complete in the downloads
// folder, so that the lobby does not resume them: hashing a large file must not freeze the lobby.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "client/background_job.h"
#include "client/downloads/paused.h"

namespace peerlink::lobby {

// A download is held when the downloads folder has a regular file under its local name with its
// size and SHA-256 (received in the chat session meanwhile, say): resuming it would only fetch a
// second copy. One check at a time, a BackgroundJob: the thread only reads files (no fork, none
// of the lobby's state); it is joined by take(), cancel() and the destructor (which cancels).
// Lobby thread only, apart from that.
class HeldCheck {
 public:
  struct Result {
    std::vector<PausedDownload> resume;  // not held: to resume, in the order given
    std::vector<PausedDownload> held;    // already in the folder
  };

  explicit HeldCheck(std::string downloads_dir);
  ~HeldCheck();
  HeldCheck(const HeldCheck&) = delete;
  HeldCheck& operator=(const HeldCheck&) = delete;

  // Starts checking `downloads`; false (nothing started) if a check runs, or if its end could
  // not be heard (no eventfd).
  bool start(std::vector<PausedDownload> downloads);
  // A check was started and not taken yet.
  bool busy() const { return job_.busy(); }
  // Readable (an eventfd, close-on-exec) once a started check has finished.
  int wake_fd() const { return job_.wake_fd(); }
  // The finished check (the thread joined), or nullopt while it runs or if none was started.
  std::optional<Result> take();
  // Stops a running check at once (a hash in progress is abandoned) and returns all of its
  // downloads, unchecked; empty if none was started.
  std::vector<PausedDownload> cancel();

 private:
  const std::string dir_;
  std::vector<PausedDownload> checking_;  // what was started (lobby thread only)
  std::atomic<bool> cancel_{false};       // read by the job between files and between reads
  BackgroundJob<Result> job_;             // last: destroyed (joined) before the members it uses
};

}  // namespace peerlink::lobby
