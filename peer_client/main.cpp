// _peer_client: the requesting side of a chat session (session mode, docs/HANDOFF.md).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/handoff/peer_args.h"
#include "peer_client/fetch/mode.h"
#include "peer_client/session/client.h"

using namespace peerlink;
using namespace peerlink::peer_client;

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--fetch") return run_fetch_mode(argc, argv);
  PeerArgs args;
  const PeerArgsResult parsed =
      parse_peer_args(PeerProgram::kClient, std::vector<std::string>(argv + 1, argv + argc), &args);
  if (parsed.action == PeerArgsResult::Action::kHelp) {
    std::fputs(peer_usage(PeerProgram::kClient).c_str(), stdout);
    return 0;
  }
  if (parsed.action == PeerArgsResult::Action::kError) {
    std::fprintf(stderr, "_peer_client: %s (see _peer_client --help)\n", parsed.error.c_str());
    return 2;
  }
  SessionClient(std::move(args)).run();
}
