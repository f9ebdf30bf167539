// Cryptographically secure random bytes from the kernel.
#pragma once

#include <cstddef>
#include <string>

namespace peerlink {

// Returns `n` random bytes from getrandom(2), falling back to /dev/urandom. Aborts the process
// with a message on stderr if the system has no source of randomness at all: carrying on with
// predictable keys would be worse than stopping.
std::string random_bytes(size_t n);

// Returns `n_bytes` random bytes as 2*n_bytes lower-case hex digits.
std::string random_hex(size_t n_bytes);

}  // namespace peerlink
