// _peer_client: the requesting side of a chat session (session mode, docs/HANDOFF.md).
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
  const ArgsOutcome parsed =
      parse_peer_args(PeerProgram::kClient, std::vector<std::string>(argv, argv + argc), &args);
  if (!parsed.go_on()) return parsed.report();
  SessionClient(std::move(args)).run();
}
