// The end of a peer program: report why the session ended, then return to the lobby `_c`.
#include "common/handoff/lobby_exec.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/base/self_path.h"

namespace peerlink {

std::vector<std::string> lobby_argv(const PeerArgs& args) { return args.lobby().to_argv(); }

void leave_session(const PeerArgs& args, StopSignals* signals, bool clean,
                   const std::string& reason, Console* console) {
  console->line("session ended: " + reason);
  // A SIGTERM that came while the session was ending for another reason still means: leave.
  (void)signals->take();
  if (args.no_lobby || signals->leave_program()) std::exit(clean ? 0 : 1);
  console->line("returning to the lobby");

  const std::string program = sibling_program("_c");
  std::vector<std::string> argv = lobby_argv(args);
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  // The lobby installs its own handlers for the stop signals, but a blocked mask survives exec
  // and would hide them from it. Until the lobby has connected and installed them (its start-up:
  // the broker connect, REGISTER, a name prompt if the name is taken), a Ctrl-C gets the default
  // action and ends the program, as during any _c start-up. An ignored SIGPIPE would survive the
  // exec too; the lobby decides for itself.
  signals->restore();
  // restore() took whatever arrived since the take() above: a SIGTERM there still means leave.
  if (signals->leave_program()) std::exit(clean ? 0 : 1);
  ::signal(SIGPIPE, SIG_DFL);
  ::execv(program.c_str(), cargv.data());
  const int err = errno;
  console->line("cannot start the lobby " + program + ": " + std::strerror(err),
                Console::Tone::kError);
  std::exit(1);
}

}  // namespace peerlink
