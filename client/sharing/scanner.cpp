// Scans the shared folder on a background thread.
#include "client/sharing/scanner.h"

namespace peerlink::lobby {

bool ShareScanner::start() {
  auto scan = [dir = dir_] { return scan_shared_folder(dir); };
  // No thread to be had (resource limits): scan here, late rather than never.
  return job_.start(scan, scan);
}

}  // namespace peerlink::lobby
