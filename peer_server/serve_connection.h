// One downloader's connection to the file server: GET requests answered one after another.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/log.h"
#include "peer_server/serve_throttle.h"

namespace peerlink {

// Totals over the server's life, updated by every connection. Thread-safe.
struct ServeCounters {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> served{0};   // requests whose whole range was sent
  std::atomic<uint64_t> refused{0};  // requests answered with ERROR
  std::atomic<uint64_t> bytes_sent{0};
};

// What all connections of one file server share. Holds no ownership: the server outlives every
// connection it starts.
struct ServeContext {
  std::string share;               // the shared folder, as given
  std::string owner;               // whose tickets are honoured
  std::string key;                 // the ticket key (64 hex characters, used as text)
  Logger* log = nullptr;           // one line per request
  RateLimiter* limiter = nullptr;  // nullptr: no upload cap
  ServeCounters* counters = nullptr;
  const std::atomic<bool>* stopping = nullptr;  // set when the server shuts down
  int idle_timeout_ms = 60'000;  // a connection that sends or takes nothing this long is closed
};

// Serves GET requests on the connected socket `fd` until the peer closes or says BYE, a request is
// refused (an ERROR frame is sent first), the connection fails or times out, or the server stops.
// Does not own `fd`: the caller closes it, and may shutdown() it from another thread to end this
// call early. Only ever opens files read-only.
void serve_connection(int fd, const ServeContext& ctx);

}  // namespace peerlink
