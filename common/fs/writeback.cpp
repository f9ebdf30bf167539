// Early writeback for files received over the network.
#include "common/fs/writeback.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/base/fd.h"

namespace peerlink {

bool WritebackPacer::wrote(int fd, size_t n) {
  if (since_.fetch_add(n) + n < interval_) return false;
  // Only one of several threads crossing the interval together starts the writeback.
  if (since_.exchange(0) < interval_) return false;
  // Offset 0 and length 0: every dirty page of the file, wherever the writes landed (a
  // multi-source download writes blocks out of order).
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  return true;
}

bool sync_folder(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd && ::fsync(fd.get()) == 0;
}

}  // namespace peerlink
