// _c: the lobby client. Parses the arguments and hands over to run_client().
#include <string>
#include <vector>

#include "client/app.h"
#include "client/options.h"

using namespace peerlink;
using namespace peerlink::lobby;

int main(int argc, char** argv) {
  ClientOptions options;
  const ArgsOutcome parsed =
      parse_lobby_args(std::vector<std::string>(argv, argv + argc), &options);
  if (!parsed.go_on()) return parsed.report();
  return run_client(options);
}
