// _peer_server in session mode: wait for the paired peer, run the session, return to the lobby.
#pragma once

#include "common/handoff/peer_args.h"

namespace peerlink::peer_server {

// The accepting side (B) of docs/HANDOFF.md: takes the session secret (token and identity key)
// from its --secret-fd, waits on the inherited --listen-fd for the peer proving the --peer-key the
// broker vouched for and presenting the token ("waiting for <peer> on port <port>"), runs the
// encrypted Session, then leaves through leave_session() (exec of the lobby, or exit with
// --no-lobby). Ctrl-C (SIGTERM, SIGHUP) ends the wait or the session cleanly (StopSignals).
class SessionServer {
 public:
  explicit SessionServer(PeerArgs args) : args_(std::move(args)) {}
  [[noreturn]] void run();

 private:
  PeerArgs args_;
};

}  // namespace peerlink::peer_server
