// `_peer_server --serve`: serves the shared folder to ticket holders, many at once.
#pragma once

namespace peerlink::peer_server {

// Runs serve mode with the program's argv (argv[1] == "--serve"). Returns the exit status:
// 0 after SIGTERM/SIGINT/SIGHUP (or when the --parent-pid process is already gone), 2 on bad
// usage or setup (bad options, no ticket key, unreadable folder, cannot listen or log).
int run_serve_mode(int argc, char** argv);

}  // namespace peerlink::peer_server
