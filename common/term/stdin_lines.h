// Reads lines from a file descriptor (stdin) without reading ahead past the current '\n', so a
// program that execs another leaves every later line for it (see docs/HANDOFF.md).
#pragma once

#include <string>

#include "common/base/io.h"

namespace peerlink {

// Reads one byte at a time up to '\n' (not included; a trailing '\r' is dropped). Lines longer
// than `max` bytes are truncated (the rest of the line is read and discarded). kClosed at EOF with
// nothing read; a last line without '\n' is returned as a line.
Result read_line_unbuffered(int fd, std::string* line, size_t max = 64 * 1024);

}  // namespace peerlink
