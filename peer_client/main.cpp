// _peer_client: the requesting side of a chat session (session mode, docs/HANDOFF.md).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/peer_args.h"
#include "peer_client/fetch_mode.h"
#include "peer_client/session_client.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--fetch")
    return peerlink::run_fetch_mode(argc, argv);
  using peerlink::PeerArgsResult;
  peerlink::PeerArgs args;
  const PeerArgsResult parsed = peerlink::parse_peer_args(
      peerlink::PeerProgram::kClient, std::vector<std::string>(argv + 1, argv + argc), &args);
  if (parsed.action == PeerArgsResult::Action::kHelp) {
    std::fputs(peerlink::peer_usage(peerlink::PeerProgram::kClient).c_str(), stdout);
    return 0;
  }
  if (parsed.action == PeerArgsResult::Action::kError) {
    std::fprintf(stderr, "_peer_client: %s (see _peer_client --help)\n", parsed.error.c_str());
    return 2;
  }
  peerlink::SessionClient(std::move(args)).run();
}
