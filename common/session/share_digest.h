// The SHA-256 of a file being sent, when the shared folder's hash cache already knows it.
#pragma once

#include <sys/stat.h>

#include <string>

namespace peerlink {

// If `path` names a file directly inside the shared folder `share_dir` (both resolved with
// realpath) and that folder's hash cache (`.peerlink-hashes`, written by the lobby: format in
// docs/SHARING.md) has an entry for its name with the size and mtime of `st` (the open file's
// fstat), gives that digest as 32 raw bytes; otherwise "". Only reads the cache: a missing,
// unreadable or malformed one, or no entry, gives "" and the sender hashes as it sends. The
// cache is a hint: the receiver also checks the digest of the bytes that were actually sent.
std::string cached_share_digest(const std::string& share_dir, const std::string& path,
                                const struct stat& st);

}  // namespace peerlink
