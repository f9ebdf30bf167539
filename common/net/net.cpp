// TCP socket helpers.
#include "common/net/net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/base/numbers.h"

namespace peerlink {
namespace {

std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// "WHAT: strerror(err)", the strerror lower-cased to read as the rest of a sentence.
Result fail(const std::string& what, int err) {
  return Result::failure(what + ": " + errno_text(err), err);
}

// Connects one resolved address with a deadline; returns 0 or an errno value.
// ECANCELED as soon as `cancel_fd` (if not -1) is readable.
int connect_one(int fd, const addrinfo* ai, int timeout_ms, int cancel_fd) {
  if (!set_nonblocking(fd, true)) return errno;
  int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rc < 0 && errno != EINPROGRESS && errno != EINTR) return errno;
  if (rc < 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      pollfd p[2] = {{fd, POLLOUT, 0}, {cancel_fd, POLLIN, 0}};  // poll skips a negative fd
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      int n = ::poll(p, 2, static_cast<int>(std::max<int64_t>(0, left.count())));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno;
      if (p[1].revents != 0) return ECANCELED;
      if (n == 0) return ETIMEDOUT;
      break;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
    if (err != 0) return err;
  }
  if (!set_nonblocking(fd, false)) return errno;
  return 0;
}

}  // namespace

Expected<UniqueFd> listen_tcp(const std::string& bind_addr, uint16_t port, int backlog) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  std::string service = std::to_string(port);
  const std::string addr = unbracket_host(bind_addr);  // "[::1]" as the programs print it
  const char* node = addr.empty() ? "::" : addr.c_str();
  addrinfo* res = nullptr;
  int gai = ::getaddrinfo(node, service.c_str(), &hints, &res);
  if (gai != 0 && bind_addr.empty()) {
    node = "0.0.0.0";
    gai = ::getaddrinfo(node, service.c_str(), &hints, &res);
  }
  if (gai != 0) {
    return Result::failure("bad address " + bind_addr + ": " + ::gai_strerror(gai), EINVAL);
  }
  Result last = fail("cannot listen on " + host_port(bind_addr, port), EADDRNOTAVAIL);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) {
      last = fail("socket", errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6 && bind_addr.empty()) {
      int zero = 0;  // accept IPv4 too, as v4-mapped addresses
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    std::string where = host_port(bind_addr.empty() ? "*" : bind_addr, port);
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) < 0) {
      last = fail("cannot listen on " + where, errno);
      if (errno == EAFNOSUPPORT && bind_addr.empty()) {
        ::freeaddrinfo(res);
        return listen_tcp("0.0.0.0", port, backlog);
      }
      continue;
    }
    if (::listen(fd.get(), backlog) < 0) {
      last = fail("cannot listen on " + where, errno);
      continue;
    }
    ::freeaddrinfo(res);
    return fd;
  }
  ::freeaddrinfo(res);
  return last;
}

Expected<UniqueFd> connect_tcp(const std::string& host, uint16_t port, int timeout_ms,
                               int cancel_fd) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  std::string service = std::to_string(port);
  std::string where = host_port(host, port);
  const std::string node = unbracket_host(host);  // "[::1]" as the programs print it
  addrinfo* res = nullptr;
  int gai = ::getaddrinfo(node.c_str(), service.c_str(), &hints, &res);
  if (gai != 0) {
    return Result::failure("cannot resolve " + host + ": " + ::gai_strerror(gai), EHOSTUNREACH);
  }
  Result last = fail("cannot reach " + where, EHOSTUNREACH);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd) {
      last = fail("socket", errno);
      continue;
    }
    int err = connect_one(fd.get(), ai, timeout_ms, cancel_fd);
    if (err == ECANCELED) {
      ::freeaddrinfo(res);
      return fail("cannot reach " + where, err);
    }
    if (err != 0) {
      last = fail("cannot reach " + where, err);
      continue;
    }
    set_nodelay(fd.get());
    ::freeaddrinfo(res);
    return fd;
  }
  ::freeaddrinfo(res);
  return last;
}

uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

std::string sockaddr_ip(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    return buf;
  }
  if (sa->sa_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      ::inet_ntop(AF_INET, &a.s6_addr[12], buf, sizeof buf);
    } else {
      ::inet_ntop(AF_INET6, &a, buf, sizeof buf);
    }
    return buf;
  }
  return "?";
}

std::string peer_ip(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return "?";
  return sockaddr_ip(reinterpret_cast<sockaddr*>(&ss));
}

std::string host_port(const std::string& host_in, uint16_t port) {
  const std::string host = unbracket_host(host_in);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string unbracket_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']' &&
      host.find(':') != std::string_view::npos) {
    return std::string(host.substr(1, host.size() - 2));
  }
  return std::string(host);
}

bool parse_port(const std::string& text, uint16_t* port) { return parse_decimal(text, port); }

bool set_nonblocking(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  return ::fcntl(fd, F_SETFL, flags) == 0;
}

bool set_cloexec(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0) return false;
  flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
  return ::fcntl(fd, F_SETFD, flags) == 0;
}

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void set_io_timeouts(int fd, int timeout_ms) {
  timeval tv{};
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>((timeout_ms % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void set_unsent_limit(int fd, int bytes) {
  ::setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &bytes, sizeof bytes);
}

void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace peerlink
