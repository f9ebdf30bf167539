// Replacing a small file atomically (temporary file + rename), and cleaning up the temporary files
// that killed writers leave behind.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace peerlink {

// Writes `data` to `path` + ".tmp<pid>" and renames it over `path`, so readers see the old
// contents or the new, never a mix. No fsync: this protects against a killed process, not a
// power cut. Temporary files of writers that no longer run are removed first. A failure ("cannot
// write PATH.tmpN: ...", "cannot rename ...") leaves no temporary file.
Result write_file_atomically(const std::string& path, std::string_view data);

// Removes `path` + ".tmp<pid>" files whose <pid> is not a running process.
void remove_stale_temp_files(const std::string& path);

}  // namespace peerlink
