// _peer_server: the accepting side of a chat session (session mode, docs/HANDOFF.md).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/peer_args.h"
#include "peer_server/serve_mode.h"
#include "peer_server/session_server.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--serve")
    return peerlink::run_serve_mode(argc, argv);
  using peerlink::PeerArgsResult;
  peerlink::PeerArgs args;
  const PeerArgsResult parsed = peerlink::parse_peer_args(
      peerlink::PeerProgram::kServer, std::vector<std::string>(argv + 1, argv + argc), &args);
  if (parsed.action == PeerArgsResult::Action::kHelp) {
    std::fputs(peerlink::peer_usage(peerlink::PeerProgram::kServer).c_str(), stdout);
    return 0;
  }
  if (parsed.action == PeerArgsResult::Action::kError) {
    std::fprintf(stderr, "_peer_server: %s (see _peer_server --help)\n", parsed.error.c_str());
    return 2;
  }
  peerlink::SessionServer(std::move(args)).run();
}
