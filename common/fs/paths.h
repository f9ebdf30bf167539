// File system rules: where a download may be written and which files a peer may serve.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace peerlink {

// Returns dir + "/" + a name not yet taken in `dir`: `name` itself if free, else "stem (1).ext",
// "stem (2).ext", ... (split at the last '.', unless that is the first byte; a name without one
// gets " (N)" appended). The stem is shortened if needed to stay within 255 bytes. `name` should
// already satisfy safe_file_name(). This only checks (a dangling symlink counts as taken); create
// the file with O_CREAT | O_EXCL and pick again on EEXIST, since another process may race.
std::string unique_destination(const std::string& dir, const std::string& name);

// For a file server: resolves `relative` inside the shared folder `root`. True only if `relative`
// is a plain base name (see safe_file_name(): no '/', no "..", not empty, no leading '.') and
// realpath(root + "/" + relative) exists, lies inside realpath(root) (so a symlink leading out is
// refused) and is a regular file, and gives that real path. Otherwise a failure whose message is
// one of "bad file name", "no such file", "outside the shared folder", "not a regular file", or
// "cannot open shared folder ROOT: REASON" if `root` itself cannot be resolved.
Expected<std::string> resolve_inside(const std::string& root, std::string_view relative);

// What resolve_inside() finds, for a caller that acts on the reason rather than shows it.
struct InsidePath {
  enum class Kind { kFile, kBadName, kMissing, kOutside, kNotRegular };
  Kind kind = Kind::kMissing;
  std::string path;  // the real path, for kFile
  int error = 0;     // the errno behind kMissing
};
// The same checks as resolve_inside(); fails only when `root` itself cannot be resolved ("cannot
// open shared folder ROOT: REASON").
Expected<InsidePath> look_inside(const std::string& root, std::string_view relative);

// The part of `path` after its last '/', ignoring trailing slashes: "a/b/" -> "b", "b" -> "b".
// Returns "" for "" and for "/".
std::string base_name(std::string_view path);

// realpath(3) as a std::string; false (errno set) on failure.
bool real_path(const std::string& path, std::string* out);

}  // namespace peerlink
