// One downloader's connection to the file server: the Noise handshake (this server is the
// responder), then GET requests answered one after another inside the encrypted transport.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/base/log.h"
#include "common/crypto/x25519.h"
#include "peer_server/serve/throttle.h"

namespace peerlink::peer_server {

// Totals over the server's life, updated by every connection. Thread-safe.
struct ServeCounters {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> served{0};   // requests whose whole range was sent
  std::atomic<uint64_t> refused{0};  // requests answered with ERROR
  std::atomic<uint64_t> bytes_sent{0};
  // Connections cut for not completing the handshake or a request in time.
  std::atomic<uint64_t> timed_out{0};
  std::atomic<uint64_t> dropped{0};  // connections without a ticket yet, dropped for newer ones
};

// How long a request may take to arrive in full: the first (with the handshake before it) from
// the connection's start, each later one from its first byte.
inline constexpr int kRequestTimeoutMs = 5000;

// What all connections of one file server share. Holds no ownership: the server outlives every
// connection it starts.
class ShareDir;

struct ServeContext {
  std::string share;                        // the shared folder, as given
  const ShareDir* share_dir = nullptr;      // the shared folder, held open: files open beneath it
  std::string owner;                        // whose tickets are honoured
  std::string key;                          // the ticket key (64 hex characters, used as text)
  const X25519KeyPair* identity = nullptr;  // the owner's static key: what the handshake proves
  Logger* log = nullptr;                    // one line per request
  RateLimiter* limiter = nullptr;           // nullptr: no upload cap
  ServeCounters* counters = nullptr;
  const std::atomic<bool>* stopping = nullptr;  // set when the server shuts down
  int idle_timeout_ms = 60'000;  // a connection that sends or takes nothing this long is closed
  int request_timeout_ms = kRequestTimeoutMs;
};

// Runs the responder's handshake on the connected socket `fd` (prologue "peerlink serve 1", as
// ctx.identity), then serves GET requests until the peer closes or says BYE, a request is refused
// (an ERROR frame is sent first), the connection fails or times out, a transport message fails to
// authenticate (closed at once), or the server stops. The handshake and the first request must be
// complete within ctx.request_timeout_ms of the start, each later request within that time of its
// first byte. Tickets are checked against the hex of the connection's remote static key. `admit`
// (if set) is asked once, when the connection's first ticket checks out, for one of the server's
// served slots; false refuses with "server busy". Does not own `fd`: the caller closes it, and may
// shutdown() it from another thread to end this call early. Only ever opens files read-only.
void serve_connection(int fd, const ServeContext& ctx,
                      const std::function<bool(const std::string& requester)>& admit = {});

// For a connection that arrives with every served slot taken: the handshake (bounded as above),
// then ERROR "server busy", sealed like every answer. Does not own `fd`.
void refuse_busy(int fd, const ServeContext& ctx);

}  // namespace peerlink::peer_server
