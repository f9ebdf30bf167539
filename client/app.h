// The whole of `_c` after argument parsing: start-up, then the lobby.
#pragma once

#include "common/client_options.h"

namespace peerlink {

// Runs the client and returns its exit status (unless a chat session execs a peer program).
int run_client(const ClientOptions& options);

}  // namespace peerlink
