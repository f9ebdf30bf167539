// One downloader's connection to the file server.
#include "peer_server/serve/connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>

#include "common/base/fd.h"
#include "common/crypto/ticket.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "common/wire/line_codec.h"
#include "peer_server/serve/open.h"
#include "peer_server/serve/request.h"

namespace peerlink::peer_server {
namespace {

// How long, and how much, a refused peer's leftover input is read before closing.
constexpr int kLingerMs = 2000;
constexpr size_t kLingerBytes = 1 << 20;

void set_cork(int fd, bool on) {
  int v = on ? 1 : 0;
  ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
}

using Clock = std::chrono::steady_clock;

class ServeConnection {
 public:
  ServeConnection(int fd, const ServeContext& ctx,
                  const std::function<bool(const std::string& requester)>& admit)
      : fd_(fd), ctx_(ctx), admit_(admit), peer_(peer_ip(fd)) {}
  void run();
  // After an ERROR: closing a socket with unread input makes the kernel send a reset, which can
  // destroy the ERROR before the peer reads it. So half-close, then read (bounded) until the peer
  // closes too.
  void linger();

 private:
  // Reads until the next request is complete. False (the connection ends) on EOF, an error, or
  // when `deadline` passes first (an ERROR "request timed out" is sent then).
  bool next_request(ServeRequestReader::Kind* kind, GetRequest* g, Clock::time_point deadline);
  // Answers one GET. False when the connection must close (after a refusal or a failure).
  bool handle(const GetRequest& g);
  // Sends ERROR `reason`, logs it, and returns false (the caller closes).
  bool refuse(const GetRequest& g, const std::string& reason, const std::string& detail = {});
  // Sends `length` bytes of `file` from `offset` as DATA frames. Fails if the connection fails or
  // the file shrinks; the connection cannot continue then, since a frame may be cut short.
  Result stream(int file, uint32_t id, uint64_t offset, uint64_t length, uint64_t* sent);
  // Writes up to `n` bytes of `file` at *pos to the socket: sendfile(), or pread()+send() where
  // the file system cannot sendfile.
  Result send_file_bytes(int file, off_t* pos, size_t n, uint64_t* sent);
  void log_request(const GetRequest& g, const std::string& result, uint64_t sent);

  const int fd_;
  const ServeContext& ctx_;
  const std::function<bool(const std::string& requester)>& admit_;
  const std::string peer_;
  ServeRequestReader reader_;
  bool admitted_ = false;  // admit_ said yes: this connection holds one of the served slots
  bool use_sendfile_ = true;
  bool refused_ = false;                 // an ERROR went out: linger() before closing
  std::unique_ptr<char[]> copy_buffer_;  // only for the pread() fallback
  // The last ticket that passed on this connection. Later GETs with the same ticket skip the
  // expiry check: an expiry bounds when a download may start, not how long it may take.
  std::string verified_requester_, verified_file_, verified_ticket_;
};

void ServeConnection::run() {
  // The first request must be complete within the deadline, counted from the connection's start
  // (not per recv: a byte now and then must not keep a connection, and its thread, forever).
  auto deadline = Clock::now() + std::chrono::milliseconds(ctx_.request_timeout_ms);
  for (;;) {
    if (ctx_.stopping->load()) return;
    GetRequest g;
    ServeRequestReader::Kind kind = ServeRequestReader::Kind::kNeedMore;
    if (!next_request(&kind, &g, deadline)) return;
    using Kind = ServeRequestReader::Kind;
    if (kind == Kind::kBye) return;
    if (kind == Kind::kBadFrame) {
      (void)write_frame(fd_, wire::kError, "bad frame");
      linger();
      return;
    }
    const bool ok = kind == Kind::kNotGet   ? refuse(g, "expected GET")
                    : kind == Kind::kBadGet ? refuse(g, "bad request")
                                            : handle(g);
    if (!ok) {
      if (refused_) linger();
      return;
    }
    // Between requests a connection may rest up to the idle timeout; once the next one starts
    // it must be complete within the request deadline again.
    if (reader_.buffered() == 0 && !wait_readable(fd_, ctx_.idle_timeout_ms).ok()) return;
    deadline = Clock::now() + std::chrono::milliseconds(ctx_.request_timeout_ms);
  }
}

bool ServeConnection::next_request(ServeRequestReader::Kind* kind, GetRequest* g,
                                   Clock::time_point deadline) {
  for (;;) {
    *kind = reader_.next(g);
    if (*kind != ServeRequestReader::Kind::kNeedMore) return true;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const Result w =
        left.count() > 0 ? wait_readable(fd_, static_cast<int>(left.count())) : Result::timed_out();
    if (w.status() == Status::kTimeout) {
      ctx_.counters->timed_out.fetch_add(1);
      // Best effort, no linger: whoever trickles does not get to hold the thread any longer.
      (void)write_frame(fd_, wire::kError, "request timed out");
      return false;
    }
    if (!w.ok()) return false;
    char buf[kMaxGetPayload + wire::kFrameHeaderBytes];
    size_t got = 0;
    if (!recv_some(fd_, buf, sizeof buf, &got).ok()) return false;  // closed, reset, cut short
    reader_.append(buf, got);
  }
}

void ServeConnection::linger() {
  ::shutdown(fd_, SHUT_WR);
  char buf[16384];
  size_t total = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLingerMs);
  while (total < kLingerBytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(fd_, static_cast<int>(left.count())).ok()) return;
    size_t got = 0;
    if (!recv_some(fd_, buf, sizeof buf, &got).ok()) return;  // EOF: the peer has read it all
    total += got;
  }
}

bool ServeConnection::handle(const GetRequest& g) {
  ctx_.counters->requests.fetch_add(1);
  // The ticket first, so that without one nothing at all is revealed about the folder.
  const bool known = g.requester == verified_requester_ && g.file == verified_file_ &&
                     g.ticket == verified_ticket_ && !verified_ticket_.empty();
  if (!known) {
    const TicketCheck check = verify_ticket(ctx_.key, ctx_.owner, g.file, g.requester, "", g.ticket,
                                            static_cast<int64_t>(std::time(nullptr)));
    if (check != TicketCheck::kOk) return refuse(g, ticket_check_text(check));
    // Only now, with a ticket that checks out, does the connection take a served slot: those
    // without one cannot use up the slots that ticket holders need.
    if (!admitted_) {
      if (admit_ && !admit_(g.requester)) return refuse(g, "server busy");
      admitted_ = true;
    }
    verified_requester_ = g.requester;
    verified_file_ = g.file;
    verified_ticket_ = g.ticket;
  }

  if (!safe_file_name(g.file)) return refuse(g, "bad file name");
  // Everything is opened relative to the folder held since start-up; if its path now leads
  // elsewhere (moved, or replaced by a symlink), nothing is served until it is back.
  if (!ctx_.share_dir->still_there())
    return refuse(g, "shared folder unavailable", ctx_.share + " is no longer the folder served");
  Expected<ServedFile> opened = ctx_.share_dir->open_file(g.file);
  if (!opened) return refuse(g, opened.message());
  const UniqueFd& file = opened->fd;
  set_nonblocking(file.get(), false);  // O_NONBLOCK was for the open only
  const auto size = static_cast<uint64_t>(opened->st.st_size);
  if (!range_fits(g.offset, g.length, size)) return refuse(g, "bad range");

  set_cork(fd_, true);  // RANGE, the DATA frames and DONE leave in full segments
  uint64_t sent = 0;
  // A failed RANGE or DONE is logged as "connection lost"; a failed stream() says why.
  Result served =
      write_frame(fd_, wire::kRange, encode_range_reply({g.id, size, g.offset, g.length}));
  if (!served) {
    served = Result::failure("connection lost");
  } else if (served = stream(file.get(), g.id, g.offset, g.length, &sent); served) {
    if (!write_frame(fd_, wire::kDone, encode_serve_done(g.id)).ok())
      served = Result::failure("connection lost");
  }
  set_cork(fd_, false);
  if (!served) {
    log_request(g, served.message(), sent);
    return false;
  }
  ctx_.counters->served.fetch_add(1);
  log_request(g, "ok", sent);
  return true;
}

bool ServeConnection::refuse(const GetRequest& g, const std::string& reason,
                             const std::string& detail) {
  ctx_.counters->refused.fetch_add(1);
  refused_ = true;
  (void)write_frame(fd_, wire::kError, reason);
  log_request(g, detail.empty() ? reason : reason + ": " + detail, 0);
  return false;
}

Result ServeConnection::stream(int file, uint32_t id, uint64_t offset, uint64_t length,
                               uint64_t* sent) {
  auto pos = static_cast<off_t>(offset);
  uint64_t left = length;
  while (left > 0) {
    if (ctx_.stopping->load()) return Result::failure("server stopping");
    const auto n = static_cast<uint32_t>(left < kServeChunkBytes ? left : kServeChunkBytes);
    if (ctx_.limiter != nullptr && !ctx_.limiter->acquire(n))
      return Result::failure("server stopping");
    unsigned char prefix[kServeDataPrefixBytes];
    encode_serve_data_prefix(id, n, prefix);
    if (const Result r = send_all(fd_, prefix, sizeof prefix); !r) return r;
    if (const Result r = send_file_bytes(file, &pos, n, sent); !r) return r;
    left -= n;
  }
  return {};
}

Result ServeConnection::send_file_bytes(int file, off_t* pos, size_t n, uint64_t* sent) {
  while (n > 0) {
    ssize_t w = 0;
    if (use_sendfile_) {
      w = ::sendfile(fd_, file, pos, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EINVAL || errno == ENOSYS)) {
        use_sendfile_ = false;  // this file system cannot sendfile: copy from now on
        continue;
      }
      if (w < 0) {
        if (errno == EAGAIN) return Result::failure("send timed out", EAGAIN);
        return Result::system("", errno);
      }
    } else {
      if (!copy_buffer_) copy_buffer_.reset(new char[kServeChunkBytes]);
      const size_t want = n < kServeChunkBytes ? n : kServeChunkBytes;
      w = ::pread(file, copy_buffer_.get(), want, *pos);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Result::system("cannot read file", errno);
      if (w > 0) {
        const Result r = send_all(fd_, copy_buffer_.get(), static_cast<size_t>(w));
        if (!r) return r;
        *pos += w;
      }
    }
    if (w == 0) return Result::failure("file shrank while being sent");
    n -= static_cast<size_t>(w);
    *sent += static_cast<uint64_t>(w);
    ctx_.counters->bytes_sent.fetch_add(static_cast<uint64_t>(w));
  }
  return {};
}

void ServeConnection::log_request(const GetRequest& g, const std::string& result, uint64_t sent) {
  if (ctx_.log == nullptr) return;
  // Names come from the network: percent-encoding keeps one request on one parseable line.
  ctx_.log->line("get peer=" + percent_encode(peer_) + " user=" + percent_encode(g.requester) +
                 " file=" + percent_encode(g.file) + " offset=" + std::to_string(g.offset) +
                 " length=" + std::to_string(g.length) + " result=" + percent_encode(result) +
                 " sent=" + std::to_string(sent));
}

}  // namespace

void serve_connection(int fd, const ServeContext& ctx,
                      const std::function<bool(const std::string& requester)>& admit) {
  ServeConnection c(fd, ctx, admit);
  c.run();
}

}  // namespace peerlink::peer_server
