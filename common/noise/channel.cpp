// A Noise connection over a blocking socket.
#include "common/noise/channel.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/base/io.h"

namespace peerlink {

namespace {

using Clock = std::chrono::steady_clock;

// Waits until `fd` is readable (or `cancel_fd`), within the deadline.
Result wait_for_input(int fd, int cancel_fd, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Result::timed_out();
    pollfd fds[2] = {{fd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
    const int n = ::poll(fds, cancel_fd >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Result::system("poll", errno);
    }
    if (n == 0) return Result::timed_out();
    if (cancel_fd >= 0 && fds[1].revents != 0) return Result::cancelled();
    return Result();
  }
}

// One recv() without blocking past what poll() said: MSG_DONTWAIT, EINTR retried.
Result recv_once(int fd, char* buf, size_t cap, size_t* got, int flags) {
  for (;;) {
    const ssize_t n = ::recv(fd, buf, cap, flags);
    if (n > 0) {
      *got = static_cast<size_t>(n);
      return Result();
    }
    if (n == 0) {
      *got = 0;
      return Result::closed();
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      *got = 0;
      return flags & MSG_DONTWAIT ? Result() : Result::timed_out();
    }
    return Result::system("", errno);
  }
}

}  // namespace

Expected<std::unique_ptr<NoiseChannel>> NoiseChannel::handshake(int fd, const Setup& setup) {
  auto stream = std::make_unique<NoiseStream>(setup.role, setup.prologue, *setup.local_static);
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(setup.timeout_ms);
  std::string wire;
  std::string plain;
  if (setup.role == NoiseRole::kInitiator) {
    if (Result r = stream->start(&wire); !r) return r;
    if (Result r = send_all(fd, wire); !r) return r.with_context("noise handshake");
    wire.clear();
  }
  bool checked = false;
  char buf[4096];
  while (!stream->established()) {
    if (Result r = wait_for_input(fd, setup.cancel_fd, deadline); !r) {
      return r.status() == Status::kTimeout
                 ? Result::failure("noise handshake timed out", ETIMEDOUT)
                 : r;
    }
    size_t got = 0;
    if (Result r = recv_once(fd, buf, sizeof buf, &got, MSG_DONTWAIT); !r) {
      if (r.status() == Status::kClosed) {
        return Result::failure("noise handshake: the peer closed the connection", ECONNRESET);
      }
      return r.with_context("noise handshake");
    }
    if (Result r = stream->on_wire(buf, got, &wire, &plain); !r) return r;
    if (stream->has_remote_static() && !checked) {
      checked = true;
      if (setup.check) {
        if (Result r = setup.check(stream->remote_static()); !r) return r;
      }
    }
    if (!wire.empty()) {
      if (Result r = send_all(fd, wire); !r) return r.with_context("noise handshake");
      wire.clear();
    }
  }
  return std::make_unique<NoiseChannel>(fd, std::move(stream), std::move(plain));
}

NoiseChannel::NoiseChannel(int fd, std::unique_ptr<NoiseStream> stream, std::string already_plain)
    : fd_(fd), stream_(std::move(stream)), plain_(std::move(already_plain)) {}

Result NoiseChannel::send(const void* data, size_t len) {
  out_.clear();
  if (Result r = stream_->seal(static_cast<const char*>(data), len, &out_); !r) return r;
  return send_all(fd_, out_);
}

Result NoiseChannel::receive(std::string* plain) {
  char buf[64 * 1024];
  size_t got = 0;
  if (Result r = recv_once(fd_, buf, sizeof buf, &got, 0); !r) return r;
  wire_.clear();
  return stream_->on_wire(buf, got, &wire_, plain);
}

Result NoiseChannel::recv_some(void* data, size_t cap, size_t* got) {
  *got = 0;
  while (buffered() == 0) {
    plain_.clear();
    plain_read_ = 0;
    if (Result r = receive(&plain_); !r) return r;
  }
  const size_t n = cap < buffered() ? cap : buffered();
  std::memcpy(data, plain_.data() + plain_read_, n);
  plain_read_ += n;
  *got = n;
  return Result();
}

Result NoiseChannel::recv_exact(void* data, size_t len) {
  auto* out = static_cast<char*>(data);
  while (len > 0) {
    size_t got = 0;
    if (Result r = recv_some(out, len, &got); !r) return r;
    out += got;
    len -= got;
  }
  return Result();
}

}  // namespace peerlink
