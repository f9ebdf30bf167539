// Early writeback for files received over the network. A verified file is fsync()ed before it
// gets its final name; without help that one call would write out the whole file at the end and
// stall the thread making it (in a session, the thread that also delivers chat). Starting the
// writeback as the bytes arrive spreads the disk work over the transfer instead.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace peerlink {

class WritebackPacer {
 public:
  static constexpr uint64_t kDefaultInterval = 8u << 20;

  explicit WritebackPacer(uint64_t interval = kDefaultInterval) : interval_(interval) {}

  // Call after writing `n` more bytes to `fd` (from any thread). Once every `interval` bytes it
  // asks the kernel to start writing the file's dirty pages (sync_file_range, which does not wait
  // for the disk), and returns true. A file system that cannot do this changes nothing: the final
  // fsync() still writes everything.
  bool wrote(int fd, size_t n);

 private:
  const uint64_t interval_;
  std::atomic<uint64_t> since_{0};
};

// fsync()s the folder `dir`, so that a rename into it survives a power loss as the file's bytes
// do. Best effort: false if it could not be done (some file systems refuse it).
bool sync_folder(const std::string& dir);

}  // namespace peerlink
