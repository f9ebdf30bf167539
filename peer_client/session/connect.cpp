// The requesting side's way into a session: connect with backoff, Noise, HELLO, WELCOME.
#include "peer_client/session/connect.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "common/fs/names.h"
#include "common/noise/stream.h"
#include "common/session/hello.h"
#include "common/session/vouched_key.h"
#include "common/wire/wire.h"

namespace peerlink::peer_client {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kFirstBackoff{50};
constexpr milliseconds kMaxBackoff{1000};
constexpr milliseconds kMaxAttempt{3000};  // one connect attempt; a LAN answers far sooner

// Rounded up, so that waiting this long really reaches the deadline.
milliseconds left_until(Clock::time_point deadline) {
  return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(deadline - Clock::now()));
}

Result cancelled() { return Result::cancelled(); }

// Waits up to `timeout` for `fd` to report `events`, or for `cancel_fd` (if not -1) to become
// readable. 1: fd is ready, 0: timed out, -1: cancelled, -2: poll failed.
int wait_or_cancel(int fd, short events, milliseconds timeout, int cancel_fd) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};  // poll skips a negative fd
    const int n = ::poll(fds, 2, static_cast<int>(left_until(deadline).count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -2;
    if (fds[1].revents != 0) return -1;
    if (n == 0) return 0;
    return 1;
  }
}

// One connect attempt; connect_tcp() also watches `cancel_fd`: the stop signals are blocked, so
// nothing else could cut a connect to a host that drops our SYNs short of its timeout.
Expected<UniqueFd> connect_attempt(const std::string& host, uint16_t port, milliseconds timeout,
                                   int cancel_fd) {
  Expected<UniqueFd> r = connect_tcp(host, port, static_cast<int>(timeout.count()), cancel_fd);
  if (r.error() == ECANCELED) return cancelled();
  return r;
}

}  // namespace

milliseconds next_backoff(milliseconds previous) {
  if (previous < kFirstBackoff) return kFirstBackoff;
  return std::min(previous * 2, kMaxBackoff);
}

Expected<UniqueFd> connect_with_backoff(const std::string& host, uint16_t port, milliseconds total,
                                        int cancel_fd) {
  const auto deadline = Clock::now() + total;
  milliseconds pause{0};
  for (;;) {
    const milliseconds attempt = std::clamp(left_until(deadline), milliseconds(1), kMaxAttempt);
    Expected<UniqueFd> r = connect_attempt(host, port, attempt, cancel_fd);
    if (r.ok() || r.error() == ECANCELED) return r;
    pause = next_backoff(pause);
    const milliseconds left = left_until(deadline);
    if (left.count() == 0) return r;
    // A real pause between attempts (the backoff itself), not a synchronisation sleep; only
    // `cancel_fd` cuts it short.
    const int waited = wait_or_cancel(-1, 0, std::min(pause, left), cancel_fd);
    if (waited == -1) return cancelled();
  }
}

Expected<std::unique_ptr<NoiseChannel>> secure_session(int fd, const X25519KeyPair& identity,
                                                       const X25519Key& peer_key,
                                                       const std::string& peer,
                                                       milliseconds timeout, int cancel_fd) {
  // Message 3 and HELLO go out back to back: Nagle would hold HELLO for the ACK of message 3.
  set_nodelay(fd);
  NoiseChannel::Setup setup;
  setup.role = NoiseRole::kInitiator;
  setup.prologue = kPrologueSession;
  setup.local_static = &identity;
  setup.check = [&](const X25519Key& presented) {
    if (is_vouched_key(presented, peer_key)) return Result();
    return Result::failure(unvouched_key_message(peer), EACCES);
  };
  setup.timeout_ms = static_cast<int>(timeout.count());
  setup.cancel_fd = cancel_fd;
  return NoiseChannel::handshake(fd, setup);
}

Expected<std::string> client_handshake(NoiseChannel* channel, const std::string& token,
                                       const std::string& own_name, milliseconds timeout,
                                       FrameDecoder* decoder, int cancel_fd) {
  if (const Result sent = channel->send(encode_frame(wire::kHello, encode_hello(token, own_name)));
      !sent)
    return sent;
  const auto deadline = Clock::now() + timeout;
  std::string plain;
  for (;;) {
    Frame frame;
    const FrameDecoder::Result r = decoder->next(&frame);
    if (r == FrameDecoder::Result::kFrame) {
      if (frame.type == wire::kWelcome) return std::move(frame.payload);
      if (frame.type == wire::kError)
        return Result::failure("refused: " + printable(frame.payload));
      return Result::failure("unexpected answer to HELLO (frame type " +
                             std::to_string(frame.type) + ")");
    }
    if (r != FrameDecoder::Result::kNeedMore) return Result::failure("malformed answer to HELLO");
    const int ready = wait_or_cancel(channel->fd(), POLLIN, left_until(deadline), cancel_fd);
    if (ready == 0) return Result::failure("no answer in time");
    if (ready == -1) return cancelled();
    plain.clear();
    const Result rr = ready == 1 ? channel->receive(&plain) : Result::system("", errno);
    if (!rr.ok()) return rr;
    decoder->append(plain.data(), plain.size());
  }
}

}  // namespace peerlink::peer_client
