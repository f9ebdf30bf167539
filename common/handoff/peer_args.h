// Command-line options of the two peer programs in session mode (docs/HANDOFF.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  std::string peer;  // --peer: the other user's name
  std::string server;
  uint16_t server_port = 0;  // --server / --server-port: the broker, to return to the lobby
  std::string user;          // --user: own name
  std::string share;         // --share
  std::string downloads;     // --downloads
  bool no_lobby = false;     // --no-lobby: exit at the end instead of exec'ing _c
  int secret_fd = -1;        // --secret-fd N: the inherited descriptor holding the session token
};

struct PeerArgsResult {
  enum class Action { kRun, kHelp, kError };
  Action action = Action::kError;
  std::string error;  // for kError: what is wrong, e.g. "missing --peer"
};

// Parses `args` (argv without the program name). Options take their value as the next argument.
// --peer and --user must be valid user names, ports 1..65535, --listen-fd a number >= 3, timeouts
// 1..86400 seconds. --server, --server-port and --share are required unless --no-lobby (they are
// only needed to return to the lobby). --help anywhere gives kHelp.
PeerArgsResult parse_peer_args(PeerProgram program, const std::vector<std::string>& args,
                               PeerArgs* out);

// The --help text of `program`.
std::string peer_usage(PeerProgram program);

}  // namespace peerlink
