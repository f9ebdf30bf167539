// What a peer program says on its terminal after a stop signal.
#include "common/term/interrupted.h"

#include <signal.h>

namespace peerlink {

std::string interrupted_reason(int signo) {
  switch (signo) {
    case SIGINT:
      return "interrupted (SIGINT)";
    case SIGTERM:
      return "interrupted (SIGTERM)";
    case SIGHUP:
      return "interrupted (SIGHUP)";
    default:
      return "interrupted (signal " + std::to_string(signo) + ")";
  }
}

void end_line_after_ctrl_c(int signo, Console* console) {
  // In cooked mode the tty echoed "^C" after the text; the input line of raw mode needs nothing.
  if (signo == SIGINT && console->terminal() && !console->input_shown()) console->line("");
}

}  // namespace peerlink
