// The hand-off from the lobby to the peer programs.
#include "client/launch/handoff.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/base/fd.h"
#include "common/base/secret_fd.h"
#include "common/base/self_path.h"
#include "common/net/net.h"

namespace peerlink::lobby {
namespace {

std::string exec_failure(const std::string& path, int err) {
  return "cannot start " + path + ": " + std::strerror(err);
}

// The token in a memfd that the exec'd program inherits (FD_CLOEXEC cleared): it reads it at
// once and closes it. On failure returns an invalid fd and *error.
UniqueFd token_fd(const std::string& path, const std::string& token, std::string* error) {
  Expected<UniqueFd> made = make_secret_fd(token);
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

}  // namespace

std::string exec_peer_server(const LobbyReturn& back, int listen_fd, const std::string& peer,
                             const std::string& token) {
  const std::string path = sibling_program("_peer_server");
  const std::string fd_text = std::to_string(listen_fd);
  const std::string port_text = std::to_string(back.port);
  std::string error;
  UniqueFd secret = token_fd(path, token, &error);
  if (!secret) return error;
  const std::string secret_text = std::to_string(secret.get());
  if (!set_cloexec(listen_fd, false)) return exec_failure(path, errno);
  ::execl(path.c_str(), "_peer_server", "--session", "--listen-fd", fd_text.c_str(), "--peer",
          peer.c_str(), "--server", back.host.c_str(), "--server-port", port_text.c_str(), "--user",
          back.user.c_str(), "--share", back.share.c_str(), "--downloads", back.downloads.c_str(),
          kSecretFdOption, secret_text.c_str(), static_cast<char*>(nullptr));
  int err = errno;
  set_cloexec(listen_fd, true);
  return exec_failure(path, err);  // `secret` closes here
}

std::string exec_peer_client(const LobbyReturn& back, const std::string& ip, uint16_t port,
                             const std::string& peer, const std::string& token) {
  const std::string path = sibling_program("_peer_client");
  const std::string peer_port = std::to_string(port);
  const std::string port_text = std::to_string(back.port);
  std::string error;
  UniqueFd secret = token_fd(path, token, &error);
  if (!secret) return error;
  const std::string secret_text = std::to_string(secret.get());
  ::execl(path.c_str(), "_peer_client", "--session", "--host", ip.c_str(), "--port",
          peer_port.c_str(), "--peer", peer.c_str(), "--server", back.host.c_str(), "--server-port",
          port_text.c_str(), "--user", back.user.c_str(), "--share", back.share.c_str(),
          "--downloads", back.downloads.c_str(), kSecretFdOption, secret_text.c_str(),
          static_cast<char*>(nullptr));
  return exec_failure(path, errno);
}

}  // namespace peerlink::lobby
