// Folders that hold secrets (key files, pinned keys): created for their owner alone.
#pragma once

#include <string>

#include "common/base/result.h"

namespace peerlink {

// Makes sure the folder `path` exists, creating it and any missing parent with mode 0700 (like
// `mkdir -p -m 700`, the mode applying to every folder it creates). Folders that already exist
// keep their mode. A failure names the folder: "cannot create folder /x/y: Permission denied",
// "/x/y is not a folder".
Result make_private_dirs(const std::string& path);

}  // namespace peerlink
