// _peer_server: waits on the inherited listening socket for the one peer holding the token.
#include "peer_server/session/listener.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/base/bytes.h"
#include "common/base/io.h"
#include "common/crypto/hmac.h"
#include "common/net/net.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"

namespace peerlink::peer_server {
namespace {

using std::chrono::milliseconds;

// After refusing a connection we read and drop what it still sends for this long before
// closing, so the close does not reset the connection before our ERROR frame is read.
constexpr milliseconds kLingerTime{1000};

// A connection that has not presented the token yet.
struct Stranger {
  UniqueFd fd;
  std::string frame;  // the HELLO frame so far; never a byte beyond it
  SessionListener::Clock::time_point deadline;
  std::string ip;
  bool refused = false;  // ERROR sent; draining until the peer closes or the deadline
};

}  // namespace

SessionListener::SessionListener(UniqueFd listener, std::string token, std::string own_name,
                                 Console* console)
    : listener_(std::move(listener)),
      token_(std::move(token)),
      own_name_(std::move(own_name)),
      console_(console) {}

Expected<SessionListener::Accepted> SessionListener::wait(Clock::time_point deadline,
                                                          int cancel_fd) {
  std::vector<Stranger> pending;
  std::vector<char> buf(4096);

  const auto refuse = [&](Stranger& p, const std::string& reason) {
    console_->line("refused a connection from " + p.ip + ": " + reason, Console::Tone::kNotice);
    (void)write_frame(p.fd.get(), wire::kError, reason);
    ::shutdown(p.fd.get(), SHUT_WR);
    p.refused = true;
    p.deadline = Clock::now() + kLingerTime;
  };

  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) {
      listener_.reset();
      return Result::timed_out();
    }
    for (Stranger& p : pending) {
      if (now < p.deadline) continue;
      if (p.refused) {
        p.fd.reset();
      } else {
        refuse(p, "no HELLO in time");
      }
    }
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [](const Stranger& p) { return !p.fd.valid(); }),
                  pending.end());

    auto wake_at = deadline;
    // The cancel fd goes last, so that fds[i + 1] stays pending[i]; poll skips it if -1.
    std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}};
    for (const Stranger& p : pending) {
      fds.push_back({p.fd.get(), POLLIN, 0});
      wake_at = std::min(wake_at, p.deadline);
    }
    fds.push_back({cancel_fd, POLLIN, 0});
    const auto timeout = std::chrono::duration_cast<milliseconds>(wake_at - Clock::now());
    const int n =
        ::poll(fds.data(), fds.size(),
               static_cast<int>(std::max<int64_t>(0, static_cast<int64_t>(timeout.count()) + 1)));
    if (n < 0 && errno != EINTR) {
      const int e = errno;
      listener_.reset();
      return Result::system("poll failed", e);
    }
    if (n <= 0) continue;
    if (fds.back().revents != 0) {
      // Ctrl-C: leave at once. Pending connections just close; the peer, if it was one of them,
      // sees the connection closed instead of WELCOME.
      listener_.reset();
      return Result::cancelled();
    }

    // Existing connections first (indices still match `fds`), then a new one.
    for (size_t i = 0; i < pending.size(); ++i) {
      Stranger& p = pending[i];
      if (fds[i + 1].revents == 0) continue;
      // Exactly the bytes of the first frame, so that whatever the client sends after HELLO
      // stays in the socket for the session.
      size_t want = buf.size();
      if (!p.refused) {
        want = wire::kFrameHeaderBytes - std::min(p.frame.size(), wire::kFrameHeaderBytes);
        if (want == 0) {
          const auto* h = reinterpret_cast<const unsigned char*>(p.frame.data());
          want = wire::kFrameHeaderBytes + get_u32(h + 1) - p.frame.size();
        }
      }
      size_t got = 0;
      const Result r = recv_some(p.fd.get(), buf.data(), want, &got);
      if (!r.ok()) {
        p.fd.reset();
        continue;
      }
      if (p.refused) continue;  // drop it unread
      p.frame.append(buf.data(), got);
      if (p.frame.size() < wire::kFrameHeaderBytes) continue;
      const auto* h = reinterpret_cast<const unsigned char*>(p.frame.data());
      const uint32_t len = get_u32(h + 1);
      // Whatever is not a HELLO with the token is refused alike (HANDOFF.md): a prober learns
      // nothing about why.
      if (h[0] != wire::kHello || len > kMaxHelloBytes) {
        refuse(p, "bad token");
        continue;
      }
      if (p.frame.size() < wire::kFrameHeaderBytes + len) continue;
      std::string token, name;
      if (!decode_hello(std::string_view(p.frame).substr(wire::kFrameHeaderBytes), &token, &name) ||
          !constant_time_equal(token, token_)) {
        refuse(p, "bad token");
      } else if (!write_frame(p.fd.get(), wire::kWelcome, own_name_).ok()) {
        p.fd.reset();  // it went away between HELLO and WELCOME
      } else {
        Accepted accepted{std::move(p.fd), std::move(name)};
        listener_.reset();  // nobody else may connect now
        return accepted;
      }
    }
    if (fds[0].revents != 0) {
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (fd) {
        if (pending.size() >= kMaxPending) pending.erase(pending.begin());  // drop the oldest
        Stranger p;
        p.ip = peer_ip(fd.get());
        p.fd = std::move(fd);
        p.deadline = Clock::now() + kHelloTime;
        pending.push_back(std::move(p));
      }
    }
  }
}

}  // namespace peerlink::peer_server
