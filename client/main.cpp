// _c: the lobby client. Parses the arguments and hands over to run_client().
#include <string>

#include "client/app.h"
#include "common/client_options.h"
#include "common/io.h"

int main(int argc, char** argv) {
  peerlink::ClientOptions options;
  int exit_code = 0;
  std::string message;
  if (!peerlink::parse_client_options(argc, argv, &options, &exit_code, &message)) {
    (void)peerlink::send_all(exit_code == 0 ? 1 : 2, message);
    return exit_code;
  }
  return peerlink::run_client(options);
}
