// Blocking whole-buffer I/O: the one place that loops over short reads/writes and EINTR.
#pragma once

#include <cstddef>
#include <string>

#include "common/base/result.h"

namespace peerlink {

// Every helper here returns a Result: ok, Result::closed() ("connection closed"),
// Result::timed_out() ("timed out"), or a kError whose message is strerror(errno) alone (callers
// add their own context) and whose error() is errno copied right after the failing call.

// Writes all `len` bytes (looping over short writes and EINTR). Sockets are written with
// MSG_NOSIGNAL so a vanished peer is an error, not a SIGPIPE; other fds use write().
Result send_all(int fd, const void* data, size_t len);
inline Result send_all(int fd, const std::string& s) { return send_all(fd, s.data(), s.size()); }

// Reads exactly `len` bytes. kClosed if EOF arrives first (even after a partial read).
Result recv_exact(int fd, void* data, size_t len);

// Reads at most `cap` bytes once (retrying EINTR). *got = 0 with kClosed on EOF.
Result recv_some(int fd, void* data, size_t cap, size_t* got);

// Reads `fd` to its end into *out (replacing it). A file over `max` bytes is kError with EFBIG:
// the small state files read back from disk are bounded, whatever was put there.
Result read_to_end(int fd, size_t max, std::string* out);

// Waits until `fd` is readable or `timeout_ms` passes (-1: forever). kTimeout on timeout.
Result wait_readable(int fd, int timeout_ms);

}  // namespace peerlink
