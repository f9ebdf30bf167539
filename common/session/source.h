// A file being sent: opened once, checked to be a regular file, hashed, then read in chunks.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"

namespace peerlink {

// Owns the open file. Hashing and sending read the same open file, so a rename or replacement
// of the path after the offer cannot make the bytes differ from what was hashed (changes to the
// file's contents still can; the receiver's SHA-256 check catches those).
class SourceFile {
 public:
  // Opens `path` (refusing anything but a regular file, without blocking on a FIFO) and hashes
  // it. A failure says why, e.g. "cannot open x: No such file or directory". Hashing a large
  // file takes a while: once `*cancel` (if given) is true it stops between two chunks and fails
  // with Result::cancelled() ("cancelled"). `progress` (if given) is called with the file (its
  // name and size known) and the bytes hashed so far: 0 before the first chunk, then after each.
  using HashProgress = std::function<void(const SourceFile& file, uint64_t hashed)>;
  static Expected<std::unique_ptr<SourceFile>> open(const std::string& path,
                                                    const std::atomic<bool>* cancel = nullptr,
                                                    const HashProgress& progress = nullptr);

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }      // base name of the path
  uint64_t size() const { return size_; }                // at open time
  const std::string& sha256() const { return sha256_; }  // 32 raw bytes

  // Reads up to `len` bytes at `offset` (retrying EINTR). Gives the count, 0 at end of file, or
  // a failure ("cannot read PATH: ...").
  Expected<size_t> read_at(uint64_t offset, void* buf, size_t len) const;

 private:
  SourceFile() = default;

  std::string path_;
  std::string name_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  std::string sha256_;
};

}  // namespace peerlink
