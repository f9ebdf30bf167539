// Command line of `_peer_server --serve` (the shared-folder file server).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace peerlink::peer_server {

struct ServeOptions {
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
  int secret_fd = -1;  // --secret-fd N: inherited descriptor holding the ticket key (required)
};

// Parses argv (argv[1] is "--serve"). False with *error on an unknown option, a missing or bad
// value, or when neither or both of --listen-fd and --port are given.
bool parse_serve_options(int argc, char** argv, ServeOptions* out, std::string* error);

const char* serve_usage();

}  // namespace peerlink::peer_server
