// The first steps of a session program.
#include "common/session/start.h"

#include <signal.h>

#include "common/session/hello.h"

namespace peerlink {

SessionStart::SessionStart(int secret_fd)
    : taken(take_session_token(secret_fd)), token(taken.ok() ? *taken : std::string()) {
  // Members are made in declaration order: the token is taken before `signals` blocks them.
  ::signal(SIGPIPE, SIG_IGN);
}

}  // namespace peerlink
