// The whole of `_c` after argument parsing: start-up, then the lobby.
#pragma once

#include "client/options.h"

namespace peerlink::lobby {

// Runs the client and returns its exit status (unless a chat session execs a peer program).
int run_client(const ClientOptions& options);

}  // namespace peerlink::lobby
