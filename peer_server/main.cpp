// _peer_server: the accepting side of a chat session (session mode, docs/HANDOFF.md).
#include <string>
#include <string_view>
#include <vector>

#include "common/handoff/peer_args.h"
#include "peer_server/serve/mode.h"
#include "peer_server/session/server.h"

using namespace peerlink;
using namespace peerlink::peer_server;

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--serve") return run_serve_mode(argc, argv);
  PeerArgs args;
  const ArgsOutcome parsed =
      parse_peer_args(PeerProgram::kServer, std::vector<std::string>(argv, argv + argc), &args);
  if (!parsed.go_on()) return parsed.report();
  SessionServer(std::move(args)).run();
}
