// Secrets handed to a child program through an inherited descriptor: never argv (every local user
// can read it) and never the environment (/proc/PID/environ keeps the exec-time copy for the
// life of the process, whatever unsetenv() does later).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/result.h"

namespace peerlink {

// The option that names the descriptor in the child's argv: `--secret-fd N`. The number is not
// secret; what the descriptor holds is.
inline constexpr char kSecretFdOption[] = "--secret-fd";

// Makes an anonymous in-memory file (memfd) holding `secret`, sealed against writes and
// positioned at its start, close-on-exec, numbered 3 or more. The caller clears FD_CLOEXEC for the
// one exec that should inherit it (ChildSpec::inherit_fds does it in the child only). A memfd, not
// a pipe: it never blocks the writer, whatever the size, and it vanishes with its last descriptor.
// On failure the Result names the call that failed ("memfd_create: ...").
Expected<UniqueFd> make_secret_fd(std::string_view secret);

// Reads the descriptor `fd` to its end (at most `max_bytes`), then closes it, so the secret is in
// this process's memory only and nothing it execs later inherits the descriptor. Gives the secret,
// or a failure ("--secret-fd 5: ...") if it is not open, unreadable or holds more than `max_bytes`.
Expected<std::string> take_secret_fd(int fd, size_t max_bytes);

}  // namespace peerlink
