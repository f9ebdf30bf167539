// What a peer program says on its terminal after a stop signal (StopSignals) ended it.
#pragma once

#include <string>

#include "common/term/terminal.h"

namespace peerlink {

// What "session ended: ..." says after `signo`: "interrupted (SIGINT)", "interrupted (SIGTERM)",
// "interrupted (SIGHUP)".
std::string interrupted_reason(int signo);

// A terminal echoes Ctrl-C as "^C" where the cursor is: after SIGINT, on a terminal, this ends
// that line so the next one starts clean. Does nothing otherwise.
void end_line_after_ctrl_c(int signo, Console* console);

}  // namespace peerlink
