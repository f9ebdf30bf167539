// Cryptographically secure random bytes from the kernel.
#include "common/base/random.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/base/fd.h"
#include "common/base/hex.h"

namespace peerlink {
namespace {

// Fills [p, p + n) from getrandom(2). False if the syscall is unavailable or fails for a reason
// other than EINTR; `*filled` says how far it got.
bool fill_getrandom(char* p, size_t n, size_t* filled) {
  while (*filled < n) {
    const ssize_t got = ::getrandom(p + *filled, n - *filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    *filled += static_cast<size_t>(got);
  }
  return true;
}

// Fills the rest of [p, p + n) from /dev/urandom (for kernels without getrandom, or seccomp
// sandboxes that forbid it).
bool fill_urandom(char* p, size_t n, size_t* filled) {
  UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  while (*filled < n) {
    const ssize_t got = ::read(fd.get(), p + *filled, n - *filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) return false;
    *filled += static_cast<size_t>(got);
  }
  return true;
}

}  // namespace

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  if (fill_getrandom(out.data(), n, &filled)) return out;
  // Copy the text now: strerror may reuse one buffer for both calls.
  const std::string getrandom_error = std::strerror(errno);
  if (fill_urandom(out.data(), n, &filled)) return out;
  const std::string urandom_error = std::strerror(errno);
  std::fprintf(stderr, "peerlink: no source of randomness (getrandom: %s; /dev/urandom: %s)\n",
               getrandom_error.c_str(), urandom_error.c_str());
  std::abort();
}

std::string random_hex(size_t n_bytes) {
  const std::string bytes = random_bytes(n_bytes);
  return to_hex(bytes.data(), bytes.size());
}

}  // namespace peerlink
