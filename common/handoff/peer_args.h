// Command-line options of the two peer programs in session mode (docs/HANDOFF.md): the struct the
// lobby fills to start one, the argv it becomes (to_argv()) and the parser that reads it back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/args.h"
#include "common/handoff/lobby_args.h"

namespace peerlink {

enum class PeerProgram { kServer, kClient };  // _peer_server, _peer_client

struct PeerArgs {
  bool session = false;  // --session (the only mode these options describe)
  // _peer_server
  int listen_fd = -1;     // --listen-fd N: the inherited listening socket
  int wait_seconds = 60;  // --wait: how long to wait for the peer
  // _peer_client
  std::string host;                  // --host
  uint16_t port = 0;                 // --port
  int connect_timeout_seconds = 15;  // --connect-timeout: how long to retry connecting
  // both
  std::string peer;      // --peer: the other user's name
  std::string peer_key;  // --peer-key: their static public key as the broker vouched for it,
                         // 64 lower-case hex digits (public: argv is fine)
  std::string server;
  uint16_t server_port = 0;  // --server / --server-port: the broker, to return to the lobby
  std::string user;          // --user: own name
  std::string share;         // --share
  std::string downloads;     // --downloads
  bool no_lobby = false;     // --no-lobby: exit at the end instead of exec'ing _c
  int secret_fd = -1;        // --secret-fd N: the inherited descriptor holding the session token
  // The lobby's key options, handed back to it (LobbyArgs):
  std::string broker_key;  // --broker-key FP (64 lower-case digits)
  std::string identity;    // --identity FILE
  bool plaintext = false;  // --plaintext
  // The lobby's output and script options, handed back to it too:
  bool bytes = false;    // --bytes
  bool strict = false;   // --strict
  bool no_wait = false;  // --no-wait

  bool operator==(const PeerArgs&) const = default;

  // argv of `program` with these arguments, argv[0] its name: {"_peer_server", "--session",
  // "--listen-fd", "5", "--peer", "alice", ...}. Options at their defaults (and those of the
  // other program) are left out, so parse_peer_args() gives back an equal PeerArgs.
  std::vector<std::string> to_argv(PeerProgram program) const;

  // The lobby to return to: the broker, user, share, downloads and the key options.
  LobbyArgs lobby() const;
};

// Parses argv (argv[0] is skipped) of `program`. --peer and --user must be valid user names,
// ports 1..65535, --listen-fd and --secret-fd numbers >= 3, timeouts 1..86400 seconds.
// --peer-key must be 64 hex digits (kept in lower case) and is required.
// --server, --server-port and --share are required unless --no-lobby (they are only needed to
// return to the lobby). --help anywhere gives kHelp. A usage error's problem() says what is wrong,
// e.g. "missing --peer".
ArgsOutcome parse_peer_args(PeerProgram program, const std::vector<std::string>& argv,
                            PeerArgs* out);

// The --help text of `program`.
std::string peer_usage(PeerProgram program);

}  // namespace peerlink
