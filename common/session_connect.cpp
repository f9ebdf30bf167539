// The requesting side's way into a session: connect with backoff, HELLO, then wait for WELCOME.
#include "common/session_connect.h"

#include <poll.h>

#include <algorithm>
#include <vector>

#include "common/io.h"
#include "common/names.h"
#include "common/session_hello.h"
#include "common/wire.h"

namespace peerlink {
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

}  // namespace

milliseconds next_backoff(milliseconds previous) {
  if (previous < kFirstBackoff) return kFirstBackoff;
  return std::min(previous * 2, kMaxBackoff);
}

SocketResult connect_with_backoff(const std::string& host, uint16_t port, milliseconds total) {
  const auto deadline = Clock::now() + total;
  milliseconds pause{0};
  for (;;) {
    const milliseconds attempt = std::clamp(left_until(deadline), milliseconds(1), kMaxAttempt);
    SocketResult r = connect_tcp(host, port, static_cast<int>(attempt.count()));
    if (r.ok()) return r;
    pause = next_backoff(pause);
    const milliseconds left = left_until(deadline);
    if (left.count() == 0) return r;
    // A real pause between attempts (the backoff itself), not a synchronisation sleep.
    ::poll(nullptr, 0, static_cast<int>(std::min(pause, left).count()));
  }
}

bool client_handshake(int fd, const std::string& token, const std::string& own_name,
                      milliseconds timeout, FrameDecoder* decoder, std::string* peer_name,
                      std::string* error) {
  const IoResult sent = write_frame(fd, wire::kHello, encode_hello(token, own_name));
  if (!sent.ok()) {
    *error = sent.message();
    return false;
  }
  const auto deadline = Clock::now() + timeout;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    Frame frame;
    const FrameDecoder::Result r = decoder->next(&frame);
    if (r == FrameDecoder::Result::kFrame) {
      if (frame.type == wire::kWelcome) {
        *peer_name = frame.payload;
        return true;
      }
      if (frame.type == wire::kError) {
        *error = "refused: " + printable(frame.payload);
      } else {
        *error = "unexpected answer to HELLO (frame type " + std::to_string(frame.type) + ")";
      }
      return false;
    }
    if (r != FrameDecoder::Result::kNeedMore) {
      *error = "malformed answer to HELLO";
      return false;
    }
    const milliseconds left = left_until(deadline);
    const IoResult ready = wait_readable(fd, static_cast<int>(left.count()));
    if (ready.status == IoStatus::kTimeout) {
      *error = "no answer in time";
      return false;
    }
    size_t got = 0;
    const IoResult rr = ready.ok() ? recv_some(fd, buf.data(), buf.size(), &got) : ready;
    if (!rr.ok()) {
      *error = rr.message();
      return false;
    }
    decoder->append(buf.data(), got);
  }
}

}  // namespace peerlink
