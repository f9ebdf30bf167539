// Scans the shared folder on a background thread, so hashing a large new file never freezes the
// lobby; the lobby polls wake_fd() and takes the result.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "client/background_job.h"
#include "client/sharing/scan.h"

namespace peerlink::lobby {

// One scan at a time, a BackgroundJob. The thread only runs scan_shared_folder() (files and the
// hash cache; it never forks, never touches the lobby's state). The thread is joined by take(),
// wait(), and the destructor (which waits for a scan in progress).
class ShareScanner {
 public:
  explicit ShareScanner(std::string dir) : dir_(std::move(dir)) {}

  // Starts a scan on the background thread; false (nothing started) if one is running.
  bool start();
  // A scan was started and not taken yet.
  bool busy() const { return job_.busy(); }
  // Readable (an eventfd, close-on-exec) once a started scan has finished.
  int wake_fd() const { return job_.wake_fd(); }
  // The finished scan (the thread joined), or nullopt while it still runs or if none was started.
  std::optional<ShareScan> take() { return job_.take(); }
  // Waits for a running scan and returns it; nullopt if none was started.
  std::optional<ShareScan> wait() { return job_.wait(); }

 private:
  const std::string dir_;
  BackgroundJob<ShareScan> job_;
};

}  // namespace peerlink::lobby
