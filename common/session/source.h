// A file being sent: opened once, checked to be a regular file, then read in chunks.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"

namespace peerlink {

// Owns the open file. The offer and every read use the same open file, so a rename or
// replacement of the path after the offer cannot change what is sent (changes to the file's
// contents still can; the sender's digest of what it read, in DONE, and the receiver's check of
// it catch those).
class SourceFile {
 public:
  // Opens `path` (refusing anything but a regular file, without blocking on a FIFO). Nothing is
  // hashed here: if the file lies directly in the shared folder `share_dir` (may be empty) and
  // that folder's hash cache knows its digest at this size and mtime, sha256() gives it at once;
  // otherwise the sender hashes the bytes as it sends them (docs/SESSION.md). A failure says why,
  // e.g. "cannot open x: No such file or directory".
  static Expected<std::unique_ptr<SourceFile>> open(const std::string& path,
                                                    const std::string& share_dir = "");

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }  // base name of the path
  uint64_t size() const { return size_; }            // at open time
  int fd() const { return fd_.get(); }
  // 32 raw bytes: the shared folder's cached digest, or kDigestFollows (transfer_codec.h).
  const std::string& sha256() const { return sha256_; }
  bool digest_known() const;

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
