// Secrets handed to a child program through an inherited descriptor.
#include "common/base/secret_fd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "common/base/io.h"

namespace peerlink {

Expected<UniqueFd> make_secret_fd(std::string_view secret) {
  UniqueFd made(::memfd_create("peerlink-secret", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!made) return Result::system("memfd_create", errno);
  // Never 0-2, even in a process started with stdin or stdout closed: a child's stdio is set up
  // over those numbers, and the programs take only --secret-fd 3 or more.
  UniqueFd fd(made.get() > 2 ? made.release() : ::fcntl(made.get(), F_DUPFD_CLOEXEC, 3));
  if (!fd) return Result::system("fcntl", errno);
  const Result w = send_all(fd.get(), secret.data(), secret.size());
  if (!w.ok()) return w.with_context("writing the secret");
  // Sealed: the child reads exactly what was written, and nobody holding a copy can change it.
  ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return Result::system("lseek", errno);
  return fd;
}

Expected<std::string> take_secret_fd(int fd, size_t max_bytes) {
  const std::string what = std::string(kSecretFdOption) + " " + std::to_string(fd) + ": ";
  if (fd < 0 || ::fcntl(fd, F_GETFD) < 0) return Result::failure(what + "not an open descriptor");
  UniqueFd owned(fd);  // closed on every path below
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  std::string secret;
  const Result r = read_to_end(fd, max_bytes, &secret);
  if (!r.ok()) {
    return Result::failure(
        what + (r.error() == EFBIG ? "more than " + std::to_string(max_bytes) + " bytes"
                                   : r.message()),
        r.error());
  }
  return secret;
}

}  // namespace peerlink
