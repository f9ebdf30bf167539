// Scans the shared folder on a background thread, so hashing a large new file never freezes the
// lobby; the lobby polls wake_fd() and takes the result.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "client/sharing/scan.h"
#include "common/base/fd.h"

namespace peerlink::lobby {

// One scan at a time. The thread only runs scan_shared_folder() (files and the hash cache; it
// never forks, never touches the lobby's state) and hands the result over under a mutex. The
// thread is joined by take(), wait(), and the destructor (which waits for a scan in progress).
class ShareScanner {
 public:
  explicit ShareScanner(std::string dir);
  ~ShareScanner();
  ShareScanner(const ShareScanner&) = delete;
  ShareScanner& operator=(const ShareScanner&) = delete;

  // Starts a scan on the background thread; false (nothing started) if one is running.
  bool start();
  // A scan was started and not taken yet.
  bool busy() const { return pending_; }
  // Readable (an eventfd, close-on-exec) once a started scan has finished.
  int wake_fd() const { return wake_.get(); }
  // The finished scan (the thread joined), or nullopt while it still runs or if none was started.
  std::optional<ShareScan> take();
  // Waits for a running scan and returns it; nullopt if none was started.
  std::optional<ShareScan> wait();

 private:
  void run_scan();
  std::optional<ShareScan> finish();  // joins, drains the wake-up, hands the result over

  const std::string dir_;
  UniqueFd wake_;
  std::thread thread_;
  bool pending_ = false;  // started and not taken (lobby thread only)
  std::mutex mu_;
  std::optional<ShareScan> result_;  // guarded by mu_
};

}  // namespace peerlink::lobby
