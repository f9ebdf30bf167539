// The lobby's file server: `_peer_server --serve` in the background, serving the shared folder on
// the port the lobby registered (docs/SHARING.md, "The file server").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "client/launch/child_process.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink::lobby {

struct ServeChildConfig {
  int listen_fd = -1;      // the lobby's listening socket (not owned); its port is registered
  std::string share;       // absolute
  std::string user;        // whose tickets it honours
  std::string key;         // the ticket key registered with the broker (64 hex digits)
  X25519KeyPair identity;  // the user's static key: the one the broker vouches for in OWNER lines
  std::string log;         // --serve-log: its --log FILE ("" = none)
  uint64_t max_rate = 0;   // --serve-max-rate: its --max-rate (0 = no cap)
};

// Owns the server process (stopped when this is destroyed). The listening socket stays the
// lobby's: the child inherits a copy (FD_CLOEXEC cleared in the child only), so after a stop the
// port is still ours and a new server can take over (after a failed hand-off, or a crash).
// The identity and the ticket key go to the child in a memfd (ChildSpec::secret; the format is
// common/handoff/identity_secret.h), never in argv or the environment.
class ServeChild {
 public:
  explicit ServeChild(ServeChildConfig config) : config_(std::move(config)) {}

  // Starts the server unless it runs; a failure says why it cannot be started.
  Result start();
  // SIGTERM, a bounded wait, SIGKILL if need be; reaped. No-op if it does not run.
  void stop();
  bool running() const { return child_.running(); }

  // Reaps the server if it ended on its own. Returns why ("exit status 2"), once, or nullopt
  // while it runs (or after stop()).
  std::optional<std::string> check();
  // Whether a server that ended on its own should simply be started again: it had run a while
  // (one that dies at once would only die again).
  bool worth_restarting() const;

 private:
  ServeChildConfig config_;
  ChildProcess child_;
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace peerlink::lobby
