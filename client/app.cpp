// The whole of `_c` after argument parsing.
#include "client/app.h"

#include <signal.h>

#include <utility>

#include "client/lobby/console.h"
#include "client/lobby/lobby.h"
#include "client/setup.h"

namespace peerlink::lobby {

int run_client(const ClientOptions& options) {
  // A closed stdout or a vanished broker must be an error code from write(), not a silent
  // death. Ignoring SIGPIPE also carries over exec into the peer programs, which want the same.
  ::signal(SIGPIPE, SIG_IGN);
  LobbyConsole console = LobbyConsole::from_environment();
  LobbySetup setup;
  if (int status = prepare_lobby(&console, options, &setup); status != 0) return status;
  Lobby lobby(&console, std::move(setup));
  return lobby.run();
}

}  // namespace peerlink::lobby
