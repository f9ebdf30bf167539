// Secrets handed to a child program through an inherited descriptor.
#include "common/base/secret_fd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/base/io.h"

namespace peerlink {

UniqueFd make_secret_fd(std::string_view secret, std::string* error) {
  UniqueFd made(::memfd_create("peerlink-secret", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!made) {
    *error = std::string("memfd_create: ") + std::strerror(errno);
    return {};
  }
  // Never 0-2, even in a process started with stdin or stdout closed: a child's stdio is set up
  // over those numbers, and the programs take only --secret-fd 3 or more.
  UniqueFd fd(made.get() > 2 ? made.release() : ::fcntl(made.get(), F_DUPFD_CLOEXEC, 3));
  if (!fd) {
    *error = std::string("fcntl: ") + std::strerror(errno);
    return {};
  }
  const Result w = send_all(fd.get(), secret.data(), secret.size());
  if (!w.ok()) {
    *error = "writing the secret: " + w.message();
    return {};
  }
  // Sealed: the child reads exactly what was written, and nobody holding a copy can change it.
  ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    *error = std::string("lseek: ") + std::strerror(errno);
    return {};
  }
  return fd;
}

bool take_secret_fd(int fd, size_t max_bytes, std::string* secret, std::string* error) {
  const std::string what = std::string(kSecretFdOption) + " " + std::to_string(fd) + ": ";
  if (fd < 0 || ::fcntl(fd, F_GETFD) < 0) {
    *error = what + "not an open descriptor";
    return false;
  }
  UniqueFd owned(fd);  // closed on every path below
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  const Result r = read_to_end(fd, max_bytes, secret);
  if (!r.ok()) {
    secret->clear();
    *error = what + (r.error() == EFBIG ? "more than " + std::to_string(max_bytes) + " bytes"
                                        : r.message());
    return false;
  }
  return true;
}

}  // namespace peerlink
