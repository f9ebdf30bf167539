// Which shared file `send PATH USER...` means: PATH must name a file the file server serves, i.e.
// a file at the top level of the shared folder (docs/LOBBY.md, "Sending files").
#pragma once

#include <string>

namespace peerlink::lobby {

struct SendPath {
  enum class Status {
    kShared,      // name: the shared file's base name
    kMissing,     // no such file (neither in the shared folder nor as a path)
    kOutside,     // the file exists but lies outside the shared folder (or links out of it)
    kSubfolder,   // the file lies in a subfolder of the shared folder (only the top level counts)
    kNotRegular,  // a folder, device, pipe...
    kHidden,      // a name the scan never shares (leading '.', control bytes, too long)
  };
  Status status = Status::kMissing;
  std::string name;
};

// Resolves `typed` (as the user typed it) against `share` (absolute and canonical). A bare name
// (no '/') is looked up in the shared folder first, then in the working directory; anything else
// is a path, relative to the working directory; a leading "~/" stands for $HOME (no shell is
// involved). Reads the file system (lstat, realpath); never throws.
SendPath resolve_send_path(const std::string& share, const std::string& typed);

}  // namespace peerlink::lobby
