// The command line of `_peer_server --serve`, the shared-folder file server the lobby runs in the
// background: the struct the lobby fills (client/sharing/serve_child.cpp), the argv it becomes
// (to_argv()) and the parser the server reads it back with.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base/args.h"

namespace peerlink {

struct ServeArgs {
  int listen_fd = -1;       // --listen-fd N: an inherited listening socket
  bool use_port = false;    // --port P given instead: listen ourselves
  uint16_t port = 0;        //   0 = a free port the OS picks
  std::string bind;         // --bind ADDR with --port ("" = all interfaces)
  std::string share;        // --share DIR
  std::string user;         // --user OWNER: whose tickets this server honours
  std::string log;          // --log FILE ("" = no log)
  size_t max_clients = 64;  // --max-clients N: ticket holders served at once
  pid_t parent_pid = 0;     // --parent-pid P: exit when P dies (0 = not tied to a parent)
  uint64_t max_rate = 0;    // --max-rate BYTES: bytes per second for the whole server, 0 = no cap
  int idle_timeout_ms = 60'000;  // --idle-timeout S: a connection silent this long is closed
  // --secret-fd N: inherited descriptor holding the identity and the ticket key (required;
  // common/handoff/identity_secret.h)
  int secret_fd = -1;

  bool operator==(const ServeArgs&) const = default;

  // {"_peer_server", "--serve", "--listen-fd", "5", "--share", ...}: every option that is set and
  // not at its default, so that parse_serve_args() gives back an equal ServeArgs. --secret-fd
  // only when secret_fd is set (ChildSpec adds it itself, client/launch/child_process.h).
  std::vector<std::string> to_argv() const;
};

// Parses argv (argv[0] is skipped, argv[1] is "--serve"). A usage error on an unknown option, a
// missing or bad value, when neither or both of --listen-fd and --port are given, without
// --share or without a valid --user.
ArgsOutcome parse_serve_args(const std::vector<std::string>& argv, ServeArgs* out);

std::string serve_usage();

}  // namespace peerlink
