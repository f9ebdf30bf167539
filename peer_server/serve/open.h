// Opening shared files without a check/open race: relative to a held directory fd, with no
// symlink in any component, never blocking (a FIFO), and checked on the opened descriptor.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/result.h"

namespace peerlink::peer_server {

// Opens `relative` (components separated by '/'; none empty, "." or "..") beneath the directory
// `dir_fd` with `flags` (O_NOFOLLOW and O_CLOEXEC are added), following no symlink in any
// component: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it, otherwise a
// walk of openat(O_PATH | O_DIRECTORY | O_NOFOLLOW) per directory. Returns an invalid fd with
// errno set on failure: ELOOP or ENOTDIR for a symlink on the way, EINVAL for a bad path.
// (With PEERLINK_NO_OPENAT2 set in the environment, the walk is used from the start: for tests.)
UniqueFd open_beneath(int dir_fd, std::string_view relative, int flags);

// A shared file opened for serving, with what fstat() said about it when it was opened.
struct ServedFile {
  UniqueFd fd;
  struct stat st {};
};

// The shared folder as the server holds it: opened once at start-up, so that every file is
// opened relative to that directory, whatever later happens to the path that named it.
class ShareDir {
 public:
  // Resolves `path` (symlinks in it are the user's choice and are followed, once) and opens it.
  // A failure says "cannot open shared folder PATH: REASON" or "shared folder PATH is not a
  // folder".
  Result open(const std::string& path);

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

  // True if the resolved path still leads, through no symlink, to the directory held. False once
  // the folder (or a folder above it) was moved away or replaced, e.g. by a symlink that points
  // elsewhere: serving then stops instead of following the path to other files.
  bool still_there() const;

  // Opens the shared file `name` (a safe_file_name()) for reading, non-blocking so that a FIFO
  // put in its place cannot hold the caller, and checks the opened fd is a regular file. A name
  // that is a symlink is served only if it resolves to a file inside the folder; that file is then
  // itself opened by its symlink-free path. A failure's message is what the requester is told:
  // "no such file", "outside the shared folder" or "not a regular file".
  Expected<ServedFile> open_file(std::string_view name) const;

 private:
  std::string path_;  // as given
  std::string real_;  // realpath() at open time: absolute, free of symlinks then
  UniqueFd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace peerlink::peer_server
