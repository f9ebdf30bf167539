// _c: the lobby client. Parses the arguments and hands over to run_client().
#include <string>

#include "client/app.h"
#include "client/options.h"
#include "common/base/io.h"

using namespace peerlink;
using namespace peerlink::lobby;

int main(int argc, char** argv) {
  ClientOptions options;
  int exit_code = 0;
  std::string message;
  if (!parse_client_options(argc, argv, &options, &exit_code, &message)) {
    (void)send_all(exit_code == 0 ? 1 : 2, message);
    return exit_code;
  }
  return run_client(options);
}
