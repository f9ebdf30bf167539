// _peer_server: the accepting side of a chat session (session mode, docs/HANDOFF.md).
#include <cstdio>
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
  const PeerArgsResult parsed =
      parse_peer_args(PeerProgram::kServer, std::vector<std::string>(argv + 1, argv + argc), &args);
  if (parsed.action == PeerArgsResult::Action::kHelp) {
    std::fputs(peer_usage(PeerProgram::kServer).c_str(), stdout);
    return 0;
  }
  if (parsed.action == PeerArgsResult::Action::kError) {
    std::fprintf(stderr, "_peer_server: %s (see _peer_server --help)\n", parsed.error.c_str());
    return 2;
  }
  SessionServer(std::move(args)).run();
}
