// One downloader's connection to the file server.
#include "peer_server/serve/connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/crypto/ticket.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/noise/channel.h"
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
// DATA frames read from the file with one preadv() and sealed with one send(), when there is no
// upload cap (with one, each frame waits for its own turn, as the cap's fairness needs).
constexpr size_t kFramesPerBatch = 4;

void set_cork(int fd, bool on) {
  int v = on ? 1 : 0;
  ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
}

using Clock = std::chrono::steady_clock;

// The responder's side of the Noise handshake, bounded by `deadline_ms` (the first request's
// deadline: it counts from the connection's start). nullptr when it fails or times out (counted
// and logged); nothing is sent then, as there is no channel to send it in.
std::unique_ptr<NoiseChannel> accept_handshake(int fd, const ServeContext& ctx, int deadline_ms) {
  NoiseChannel::Setup setup;
  setup.role = NoiseRole::kResponder;
  setup.prologue = kPrologueServe;
  setup.local_static = ctx.identity;
  setup.timeout_ms = deadline_ms;
  Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(fd, setup);
  if (channel) return std::move(*channel);
  if (channel.error() == ETIMEDOUT) ctx.counters->timed_out.fetch_add(1);
  if (ctx.log != nullptr && !ctx.stopping->load()) {
    ctx.log->line("handshake peer=" + percent_encode(peer_ip(fd)) +
                  " result=" + percent_encode(channel.message()));
  }
  return nullptr;
}

// The peer side of a connection after its handshake: the frames, sealed.
Result send_frame(NoiseChannel* channel, uint8_t type, std::string_view payload) {
  return channel->send(encode_frame(type, payload));
}

// After an ERROR: closing a socket with unread input makes the kernel send a reset, which can
// destroy the ERROR before the peer reads it. So half-close, then read (bounded, and without
// decrypting: it is only drained) until the peer closes too.
void linger_on(int fd) {
  ::shutdown(fd, SHUT_WR);
  char buf[16384];
  size_t total = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLingerMs);
  while (total < kLingerBytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(fd, static_cast<int>(left.count())).ok()) return;
    size_t got = 0;
    if (!recv_some(fd, buf, sizeof buf, &got).ok()) return;  // EOF: the peer has read it all
    total += got;
  }
}

class ServeConnection {
 public:
  ServeConnection(int fd, NoiseChannel* channel, const ServeContext& ctx,
                  const std::function<bool(const std::string& requester)>& admit,
                  Clock::time_point first_deadline)
      : fd_(fd),
        channel_(channel),
        ctx_(ctx),
        admit_(admit),
        peer_(peer_ip(fd)),
        requester_key_(to_hex(channel->remote_static().data(), channel->remote_static().size())),
        first_deadline_(first_deadline) {}
  void run();

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
  // Reads the file bytes of `frames` DATA frames of `sizes[i]` bytes from `file` at *pos with one
  // preadv() (straight into the frames, behind their prefixes), and sends them sealed in one go.
  Result send_data_frames(int file, uint32_t id, off_t* pos, const uint32_t* sizes, size_t frames,
                          uint64_t* sent);
  void log_request(const GetRequest& g, const std::string& result, uint64_t sent);

  const int fd_;
  NoiseChannel* const channel_;
  const ServeContext& ctx_;
  const std::function<bool(const std::string& requester)>& admit_;
  const std::string peer_;
  // Hex of the connection's remote static key: tickets must be bound to it.
  const std::string requester_key_;
  const Clock::time_point first_deadline_;
  ServeRequestReader reader_;
  std::string plain_;      // scratch: plaintext as the channel decrypts it
  bool admitted_ = false;  // admit_ said yes: this connection holds one of the served slots
  bool refused_ = false;   // an ERROR went out: linger before closing
  std::string frames_;     // DATA frames being filled and sent (file bytes read into place)
  // The last ticket that passed on this connection. Later GETs with the same ticket skip the
  // expiry check: an expiry bounds when a download may start, not how long it may take.
  std::string verified_requester_, verified_file_, verified_ticket_;
};

void ServeConnection::run() {
  // The first request must be complete within the deadline, counted from the connection's start
  // (not per recv: a byte now and then must not keep a connection, and its thread, forever).
  auto deadline = first_deadline_;
  for (;;) {
    if (ctx_.stopping->load()) return;
    GetRequest g;
    ServeRequestReader::Kind kind = ServeRequestReader::Kind::kNeedMore;
    if (!next_request(&kind, &g, deadline)) return;
    using Kind = ServeRequestReader::Kind;
    if (kind == Kind::kBye) return;
    if (kind == Kind::kBadFrame) {
      (void)send_frame(channel_, wire::kError, "bad frame");
      linger_on(fd_);
      return;
    }
    const bool ok = kind == Kind::kNotGet   ? refuse(g, "expected GET")
                    : kind == Kind::kBadGet ? refuse(g, "bad request")
                                            : handle(g);
    if (!ok) {
      if (refused_) linger_on(fd_);
      return;
    }
    // Between requests a connection may rest up to the idle timeout; once the next one starts
    // it must be complete within the request deadline again.
    if (reader_.buffered() == 0 && channel_->buffered() == 0 &&
        !wait_readable(fd_, ctx_.idle_timeout_ms).ok())
      return;
    deadline = Clock::now() + std::chrono::milliseconds(ctx_.request_timeout_ms);
  }
}

bool ServeConnection::next_request(ServeRequestReader::Kind* kind, GetRequest* g,
                                   Clock::time_point deadline) {
  for (;;) {
    *kind = reader_.next(g);
    if (*kind != ServeRequestReader::Kind::kNeedMore) return true;
    if (channel_->buffered() > 0) {  // what came with the handshake's last message
      char buf[4096];
      size_t got = 0;
      if (!channel_->recv_some(buf, sizeof buf, &got).ok()) return false;
      reader_.append(buf, got);
      continue;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const Result w =
        left.count() > 0 ? wait_readable(fd_, static_cast<int>(left.count())) : Result::timed_out();
    if (w.status() == Status::kTimeout) {
      ctx_.counters->timed_out.fetch_add(1);
      // Best effort, no linger: whoever trickles does not get to hold the thread any longer.
      (void)send_frame(channel_, wire::kError, "request timed out");
      return false;
    }
    if (!w.ok()) return false;
    // One recv() (the channel's), decrypted: closed, reset, cut short, or a message that does
    // not authenticate (tampered: the connection ends at once, without a word) all end it.
    plain_.clear();
    if (!channel_->receive(&plain_).ok()) return false;
    reader_.append(plain_.data(), plain_.size());
  }
}

bool ServeConnection::handle(const GetRequest& g) {
  ctx_.counters->requests.fetch_add(1);
  // The ticket first, so that without one nothing at all is revealed about the folder.
  const bool known = g.requester == verified_requester_ && g.file == verified_file_ &&
                     g.ticket == verified_ticket_ && !verified_ticket_.empty();
  if (!known) {
    // The ticket names the key it was issued to: presented on a connection with another key (a
    // sniffed ticket replayed), its MAC does not match, as for any other changed field.
    const TicketCheck check =
        verify_ticket(ctx_.key, ctx_.owner, g.file, g.requester, requester_key_, g.ticket,
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
      send_frame(channel_, wire::kRange, encode_range_reply({g.id, size, g.offset, g.length}));
  if (!served) {
    served = Result::failure("connection lost");
  } else if (served = stream(file.get(), g.id, g.offset, g.length, &sent); served) {
    if (!send_frame(channel_, wire::kDone, encode_serve_done(g.id)).ok())
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
  (void)send_frame(channel_, wire::kError, reason);
  log_request(g, detail.empty() ? reason : reason + ": " + detail, 0);
  return false;
}

Result ServeConnection::stream(int file, uint32_t id, uint64_t offset, uint64_t length,
                               uint64_t* sent) {
  auto pos = static_cast<off_t>(offset);
  uint64_t left = length;
  // Under an upload cap every frame waits for its own turn on the shared timeline, so that
  // connections take turns frame by frame; without one, a few frames go out per send.
  const size_t batch = ctx_.limiter != nullptr ? 1 : kFramesPerBatch;
  while (left > 0) {
    if (ctx_.stopping->load()) return Result::failure("server stopping");
    uint32_t sizes[kFramesPerBatch];
    size_t frames = 0;
    uint64_t bytes = 0;
    while (frames < batch && bytes < left) {
      const uint64_t rest = left - bytes;
      sizes[frames] = static_cast<uint32_t>(rest < kServeChunkBytes ? rest : kServeChunkBytes);
      bytes += sizes[frames++];
    }
    if (ctx_.limiter != nullptr && !ctx_.limiter->acquire(bytes))
      return Result::failure("server stopping");
    if (const Result r = send_data_frames(file, id, &pos, sizes, frames, sent); !r) return r;
    left -= bytes;
  }
  return {};
}

Result ServeConnection::send_data_frames(int file, uint32_t id, off_t* pos, const uint32_t* sizes,
                                         size_t frames, uint64_t* sent) {
  // The frames laid out one after another; the file's bytes are read straight behind each
  // prefix, so that the buffer is sealed as it is, with no copy.
  size_t total = 0;
  for (size_t i = 0; i < frames; ++i) total += kServeDataPrefixBytes + sizes[i];
  if (frames_.size() < total) frames_.resize(total);
  iovec iov[kFramesPerBatch];
  size_t at = 0, want = 0;
  for (size_t i = 0; i < frames; ++i) {
    encode_serve_data_prefix(id, sizes[i], reinterpret_cast<unsigned char*>(&frames_[at]));
    iov[i] = {&frames_[at + kServeDataPrefixBytes], sizes[i]};
    at += kServeDataPrefixBytes + sizes[i];
    want += sizes[i];
  }
  // preadv() may return short (a signal, a file system's own limit): read on from where it
  // stopped, into the same places.
  size_t got = 0;
  while (got < want) {
    size_t skip = got;
    size_t first = 0;
    while (skip >= iov[first].iov_len) skip -= iov[first++].iov_len;
    iovec rest[kFramesPerBatch];
    const size_t n = frames - first;
    for (size_t i = 0; i < n; ++i) rest[i] = iov[first + i];
    rest[0].iov_base = static_cast<char*>(rest[0].iov_base) + skip;
    rest[0].iov_len -= skip;
    const ssize_t r = ::preadv(file, rest, static_cast<int>(n), *pos + static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Result::system("cannot read file", errno);
    if (r == 0) return Result::failure("file shrank while being sent");
    got += static_cast<size_t>(r);
  }
  if (const Result r = channel_->send(frames_.data(), total); !r) {
    if (r.error() == EAGAIN || r.error() == EWOULDBLOCK)
      return Result::failure("send timed out", EAGAIN);
    return r;
  }
  *pos += static_cast<off_t>(want);
  *sent += want;
  ctx_.counters->bytes_sent.fetch_add(want);
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
  const auto deadline = Clock::now() + std::chrono::milliseconds(ctx.request_timeout_ms);
  std::unique_ptr<NoiseChannel> channel = accept_handshake(fd, ctx, ctx.request_timeout_ms);
  if (channel == nullptr) return;
  ServeConnection c(fd, channel.get(), ctx, admit, deadline);
  c.run();
}

void refuse_busy(int fd, const ServeContext& ctx) {
  std::unique_ptr<NoiseChannel> channel = accept_handshake(fd, ctx, ctx.request_timeout_ms);
  if (channel == nullptr) return;
  if (send_frame(channel.get(), wire::kError, "server busy").ok()) linger_on(fd);
}

}  // namespace peerlink::peer_server
