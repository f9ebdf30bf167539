// Shared-folder scan: which files of a folder are shared, with their sizes and SHA-256 digests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace peerlink::lobby {

// One shared file, as announced to the broker (`FILE <name> <size> <sha256>`).
struct ShareEntry {
  std::string name;  // a base name that satisfies safe_file_name()
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  bool operator==(const ShareEntry&) const = default;
};

// What a scan left out, by why (the lobby's own `.peerlink-*` files are not counted).
struct SkipCounts {
  size_t hidden = 0;      // a leading '.'
  size_t subfolders = 0;  // only the top level is shared
  size_t symlinks = 0;    // leading outside the folder, to a non-file, or nowhere
  size_t unreadable = 0;  // could not be stat'ed or hashed, or changed while hashed
  size_t special = 0;     // devices, pipes, sockets
  size_t bad_names = 0;   // control characters and other names safe_file_name() refuses
  size_t total() const { return hidden + subfolders + symlinks + unreadable + special + bad_names; }
  bool operator==(const SkipCounts&) const = default;
};

// "skipped 3 (2 hidden, 1 symlink)", or "" when nothing was skipped.
std::string skipped_summary(const SkipCounts& skipped);

struct ShareScan {
  bool ok = false;
  std::string error;                  // why the folder itself could not be read (when !ok)
  std::vector<ShareEntry> files;      // sorted by name (byte order)
  std::string fingerprint;            // share_fingerprint() of the listing this scan was built from
  std::vector<std::string> warnings;  // files skipped because they could not be read, or the
                                      // cache could not be written
  size_t hashed = 0;                  // files whose hash was computed (not found in the cache)
  SkipCounts skipped;                 // what was left out, and why
};

// Lists what `dir` shares and hashes it. The rules (docs/SHARING.md):
//  - only the top level counts: subfolders and what they hold are not shared;
//  - only regular files, or symlinks to regular files inside `dir`; a symlink leading outside,
//    devices, pipes and sockets are skipped;
//  - hidden names (leading '.') and names that fail safe_file_name() are skipped; this also keeps
//    the hash cache `.peerlink-hashes` private.
// Hashes are reused from `dir`/.peerlink-hashes when name, size and mtime (ns) all match, and the
// cache is rewritten (atomically) only when it changes. Never throws; a file that cannot be read
// is left out with a warning.
ShareScan scan_shared_folder(const std::string& dir);

// A cheap digest of the shared listing (names, sizes, mtimes; no file contents read), for
// polling: when it differs from the last scan's `fingerprint`, rescan. "" if `dir` cannot be read.
std::string share_fingerprint(const std::string& dir);

}  // namespace peerlink::lobby
