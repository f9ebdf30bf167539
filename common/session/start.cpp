// The first steps of a session program.
#include "common/session/start.h"

#include <signal.h>

#include <cstring>

namespace peerlink {

SessionStart::SessionStart(int secret_fd) : SessionStart(take_session_secret(secret_fd)) {}

// Members are made in declaration order, all after `secret` was taken: the secret's descriptor
// is closed before `signals` blocks the stop signals.
SessionStart::SessionStart(Expected<SessionSecret> secret)
    : taken(secret.ok() ? Result() : secret.result()) {
  if (secret.ok()) {
    token = secret->token;
    identity = x25519_from_private(secret->identity);
    std::memset(secret->identity.data(), 0, secret->identity.size());
  }
  ::signal(SIGPIPE, SIG_IGN);
}

SessionStart::~SessionStart() {
  std::memset(identity.private_key.data(), 0, identity.private_key.size());
}

}  // namespace peerlink
