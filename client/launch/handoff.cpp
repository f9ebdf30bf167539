// The hand-off from the lobby to the peer programs.
#include "client/launch/handoff.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "client/keys/identity.h"
#include "common/base/fd.h"
#include "common/base/secret_fd.h"
#include "common/base/self_path.h"
#include "common/handoff/peer_args.h"
#include "common/handoff/session_secret.h"
#include "common/net/net.h"

namespace peerlink::lobby {
namespace {

// This user's identity key pair (--identity, or the per-user file the broker link used).
Expected<X25519KeyPair> lobby_identity(const LobbyArgs& back) {
  return load_identity(back.user, back.identity, nullptr);
}

std::string exec_failure(const std::string& path, int err) {
  return "cannot start " + path + ": " + std::strerror(err);
}

// The session secret (the token and the identity private key, common/handoff/session_secret.h)
// in a memfd that the exec'd program inherits (FD_CLOEXEC cleared): it reads it at once and
// closes it. On failure returns an invalid fd and *error.
UniqueFd secret_fd(const std::string& path, const LobbyArgs& back, const std::string& token,
                   std::string* error) {
  Expected<X25519KeyPair> identity = lobby_identity(back);
  if (!identity) {
    *error = "cannot start " + path + ": " + identity.message();
    return {};
  }
  SessionSecret secret;
  secret.token = token;
  secret.identity = identity->private_key;
  std::string text = encode_session_secret(secret);
  Expected<UniqueFd> made = make_secret_fd(text);
  std::memset(text.data(), 0, text.size());
  std::memset(secret.identity.data(), 0, secret.identity.size());
  std::memset(identity->private_key.data(), 0, identity->private_key.size());
  if (!made) {
    *error = "cannot start " + path + ": " + made.message();
    return {};
  }
  UniqueFd fd = std::move(*made);
  if (!set_cloexec(fd.get(), false)) {
    *error = exec_failure(path, errno);
    return {};
  }
  return fd;
}

// The peer program's arguments: the session and the way back to this lobby.
PeerArgs peer_args(const LobbyArgs& back, const std::string& peer, const std::string& peer_key,
                   int secret_fd) {
  PeerArgs a;
  a.session = true;
  a.peer = peer;
  a.peer_key = peer_key;
  a.server = back.host;
  a.server_port = back.port;
  a.user = back.user;
  a.share = back.share;
  a.downloads = back.downloads;
  a.secret_fd = secret_fd;
  a.broker_key = back.broker_key;
  a.identity = back.identity;
  a.plaintext = back.plaintext;
  a.bytes = back.bytes;
  a.strict = back.strict;
  a.no_wait = back.no_wait;
  return a;
}

// execv() with `argv`; returns errno when it fails.
int exec_argv(const std::string& path, std::vector<std::string> argv) {
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  ::execv(path.c_str(), cargv.data());
  return errno;
}

}  // namespace

std::string exec_peer_server(const LobbyArgs& back, int listen_fd, const std::string& peer,
                             const std::string& peer_key_hex, const std::string& token) {
  const std::string path = sibling_program("_peer_server");
  std::string error;
  UniqueFd secret = secret_fd(path, back, token, &error);
  if (!secret) return error;
  PeerArgs args = peer_args(back, peer, peer_key_hex, secret.get());
  args.listen_fd = listen_fd;
  if (!set_cloexec(listen_fd, false)) return exec_failure(path, errno);
  const int err = exec_argv(path, args.to_argv(PeerProgram::kServer));
  set_cloexec(listen_fd, true);
  return exec_failure(path, err);  // `secret` closes here
}

std::string exec_peer_client(const LobbyArgs& back, const std::string& ip, uint16_t port,
                             const std::string& peer, const std::string& peer_key_hex,
                             const std::string& token) {
  const std::string path = sibling_program("_peer_client");
  std::string error;
  UniqueFd secret = secret_fd(path, back, token, &error);
  if (!secret) return error;
  PeerArgs args = peer_args(back, peer, peer_key_hex, secret.get());
  args.host = ip;
  args.port = port;
  return exec_failure(path, exec_argv(path, args.to_argv(PeerProgram::kClient)));
}

}  // namespace peerlink::lobby
