// _peer_client in session mode: connect to the paired peer, run the session, return to the lobby.
#pragma once

#include <chrono>

#include "common/handoff/peer_args.h"

namespace peerlink::peer_client {

// The requesting side (A) of docs/HANDOFF.md: takes the session secret (token and identity key)
// from its --secret-fd, connects to --host/--port retrying with backoff (up to
// --connect-timeout), runs the Noise handshake (the responder must prove --peer-key), presents
// the token in HELLO, waits for WELCOME, runs the encrypted Session, then leaves through
// leave_session(). Ctrl-C (SIGTERM, SIGHUP) ends the connecting or the session cleanly
// (StopSignals). kWelcomeTime bounds the handshake and, again, the wait for WELCOME.
class SessionClient {
 public:
  explicit SessionClient(PeerArgs args) : args_(std::move(args)) {}
  [[noreturn]] void run();

  static constexpr std::chrono::seconds kWelcomeTime{10};

 private:
  PeerArgs args_;
};

}  // namespace peerlink::peer_client
