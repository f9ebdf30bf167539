// _peer_server: waits on the inherited listening socket for the one peer holding the token.
#include "peer_server/session/listener.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "common/base/bytes.h"
#include "common/crypto/hmac.h"
#include "common/net/net.h"
#include "common/noise/stream.h"
#include "common/session/hello.h"
#include "common/session/vouched_key.h"
#include "common/wire/frame.h"
#include "common/wire/wire.h"

namespace peerlink::peer_server {
namespace {

using std::chrono::milliseconds;

// After refusing a connection we read and drop what it still sends for this long before
// closing, so the close does not reset the connection before our ERROR frame is read.
constexpr milliseconds kLingerTime{1000};

// A connection that has not presented the vouched key and the token yet.
struct Stranger {
  UniqueFd fd;
  std::unique_ptr<NoiseStream> noise;
  std::string plain;  // decrypted bytes so far: the HELLO frame, maybe more behind it
  SessionListener::Clock::time_point deadline;
  std::string ip;
  bool key_checked = false;
  bool refused = false;  // ERROR sent; draining until the peer closes or the deadline
};

// Writes `wire` without blocking: a handshake message or one small frame always fits in an empty
// socket buffer, so a short write means a peer not worth waiting for.
bool send_now(int fd, const std::string& wire) {
  size_t off = 0;
  while (off < wire.size()) {
    const ssize_t n = ::send(fd, wire.data() + off, wire.size() - off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// `type` and `payload` as one frame sealed for `s`'s peer.
bool send_frame(Stranger& s, uint8_t type, std::string_view payload) {
  std::string wire;
  const std::string frame = encode_frame(type, payload);
  return s.noise->seal(frame.data(), frame.size(), &wire).ok() && send_now(s.fd.get(), wire);
}

}  // namespace

SessionListener::SessionListener(UniqueFd listener, std::string token, std::string own_name,
                                 Keys keys, Console* console)
    : listener_(std::move(listener)),
      token_(std::move(token)),
      own_name_(std::move(own_name)),
      keys_(keys),
      console_(console) {}

SessionListener::~SessionListener() {
  std::memset(keys_.identity.private_key.data(), 0, keys_.identity.private_key.size());
}

Expected<SessionListener::Accepted> SessionListener::wait(Clock::time_point deadline,
                                                          int cancel_fd) {
  std::vector<Stranger> pending;
  std::vector<char> buf(4096);
  std::string wire_out;

  const auto say_refused = [&](const Stranger& p, const std::string& reason) {
    console_->line("refused a connection from " + p.ip + ": " + reason, Console::Tone::kNotice);
  };
  // Refusal inside the transport: ERROR `reason`, then drain for kLingerTime.
  const auto refuse = [&](Stranger& p, const std::string& shown, const std::string& reason) {
    say_refused(p, shown);
    if (!send_frame(p, wire::kError, reason)) {
      p.fd.reset();
      return;
    }
    ::shutdown(p.fd.get(), SHUT_WR);
    p.refused = true;
    p.deadline = Clock::now() + kLingerTime;
  };
  // Refusal before there is a transport: nothing can be said, the connection is just closed.
  const auto drop = [&](Stranger& p, const std::string& reason) {
    say_refused(p, reason);
    p.fd.reset();
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
      } else if (!p.noise->established()) {
        drop(p, "no handshake in time");
      } else {
        refuse(p, "no HELLO in time", "no HELLO in time");
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
      size_t got = 0;
      const Result r = recv_some(p.fd.get(), buf.data(), buf.size(), &got);
      if (!r.ok()) {
        p.fd.reset();
        continue;
      }
      if (p.refused) continue;  // drop it unread
      wire_out.clear();
      if (Result fed = p.noise->on_wire(buf.data(), got, &wire_out, &p.plain); !fed) {
        // A handshake that does not verify (another prologue, a tampered message), or a
        // transport message that does not authenticate: the stream is dead.
        drop(p, "handshake failed: " + fed.message());
        continue;
      }
      if (!wire_out.empty() && !send_now(p.fd.get(), wire_out)) {
        p.fd.reset();
        continue;
      }
      if (!p.noise->established()) continue;
      if (!p.key_checked) {
        // Message 3 is in: the initiator has proved its static key. Before anything it sent
        // inside the transport is looked at, it must be the one the broker vouched for.
        p.key_checked = true;
        if (!is_vouched_key(p.noise->remote_static(), keys_.peer_key)) {
          refuse(p, "it presented a key the broker did not vouch for", "unknown key");
          continue;
        }
      }
      if (p.plain.size() < wire::kFrameHeaderBytes) continue;
      const auto* h = reinterpret_cast<const unsigned char*>(p.plain.data());
      const uint32_t len = get_u32(h + 1);
      // Whatever is not a HELLO with the token is refused alike (HANDOFF.md): a prober learns
      // nothing about why.
      if (h[0] != wire::kHello || len > kMaxHelloBytes) {
        refuse(p, "bad token", "bad token");
        continue;
      }
      if (p.plain.size() < wire::kFrameHeaderBytes + len) continue;
      std::string token, name;
      if (!decode_hello(std::string_view(p.plain).substr(wire::kFrameHeaderBytes, len), &token,
                        &name) ||
          !constant_time_equal(token, token_)) {
        refuse(p, "bad token", "bad token");
      } else if (!send_frame(p, wire::kWelcome, own_name_)) {
        p.fd.reset();  // it went away between HELLO and WELCOME
      } else {
        Accepted accepted;
        accepted.after_hello = p.plain.substr(wire::kFrameHeaderBytes + len);
        accepted.channel = std::make_unique<NoiseChannel>(p.fd.get(), std::move(p.noise));
        accepted.fd = std::move(p.fd);
        accepted.hello_name = std::move(name);
        listener_.reset();  // nobody else may connect now
        return accepted;
      }
    }
    if (fds[0].revents != 0) {
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (fd) {
        std::string ip = peer_ip(fd.get());
        // One address holds at most kMaxPendingPerAddress slots (a newcomer past that is closed),
        // and a full table makes room at the address holding the most, oldest first: strangers
        // from one machine cannot push out the peer that is finishing its handshake elsewhere.
        std::map<std::string, size_t> per_address;
        for (const Stranger& q : pending) ++per_address[q.ip];
        if (per_address[ip] >= kMaxPendingPerAddress) continue;
        if (pending.size() >= kMaxPending) {
          const auto busiest =
              std::max_element(per_address.begin(), per_address.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
          pending.erase(std::find_if(pending.begin(), pending.end(),
                                     [&](const Stranger& q) { return q.ip == busiest->first; }));
        }
        Stranger p;
        p.ip = std::move(ip);
        set_nodelay(fd.get());  // handshake messages and WELCOME are small and must not wait
        p.fd = std::move(fd);
        p.noise =
            std::make_unique<NoiseStream>(NoiseRole::kResponder, kPrologueSession, keys_.identity);
        p.deadline = Clock::now() + kHelloTime;
        pending.push_back(std::move(p));
      }
    }
  }
}

}  // namespace peerlink::peer_server
