// Command-line options of the lobby client `_c`: the lobby arguments of the hand-off
// (common/handoff/lobby_args.h), which the peer programs build too, to come back to the lobby.
#pragma once

#include "common/handoff/lobby_args.h"

namespace peerlink::lobby {

using ClientOptions = LobbyArgs;

}  // namespace peerlink::lobby
