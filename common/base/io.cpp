// Blocking whole-buffer I/O helpers.
#include "common/base/io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace peerlink {

Result send_all(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  bool is_socket = true;
  while (len > 0) {
    ssize_t n = is_socket ? ::send(fd, p, len, MSG_NOSIGNAL) : ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOTSOCK && is_socket) {
        is_socket = false;
        continue;
      }
      return Result::system("", errno);
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return {};
}

Result recv_exact(int fd, void* data, size_t len) {
  char* p = static_cast<char*>(data);
  while (len > 0) {
    size_t got = 0;
    Result r = recv_some(fd, p, len, &got);
    if (!r.ok()) return r;
    p += got;
    len -= got;
  }
  return {};
}

Result recv_some(int fd, void* data, size_t cap, size_t* got) {
  *got = 0;
  for (;;) {
    ssize_t n = ::read(fd, data, cap);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Result::system("", errno);
    }
    if (n == 0 && cap > 0) return Result::closed();
    *got = static_cast<size_t>(n);
    return {};
  }
}

Result read_to_end(int fd, size_t max, std::string* out) {
  out->clear();
  char buf[16384];
  for (;;) {
    size_t got = 0;
    const Result r = recv_some(fd, buf, sizeof buf, &got);
    if (r.status() == Status::kClosed) return {};
    if (!r.ok()) return r;
    out->append(buf, got);
    if (out->size() > max) return Result::system("", EFBIG);
  }
}

Result wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;  // a signal shortens nothing important here
      return Result::system("", errno);
    }
    if (n == 0) return Result::timed_out();
    return {};
  }
}

}  // namespace peerlink
