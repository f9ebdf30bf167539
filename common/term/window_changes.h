// Window size changes (SIGWINCH) as a readable fd, for a thread that polls its input anyway.
#pragma once

namespace peerlink {

// Installs a SIGWINCH handler (with SA_RESTART: other threads' system calls go on undisturbed)
// that writes a byte into a process-wide pipe. Idempotent. Returns the pipe's read end, to poll
// with the input; -1 if the pipe could not be made (then resizes are only seen at the next line).
int window_change_fd();

// Empties the pipe; true if a window change had arrived since the last call.
bool take_window_change();

}  // namespace peerlink
