// The hand-off from the lobby to the peer programs.
#include "client/handoff.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/net.h"
#include "common/self_path.h"

namespace peerlink {
namespace {

constexpr const char* kTokenVariable = "PEERLINK_TOKEN";

std::string exec_failure(const std::string& path, int err) {
  return "cannot start " + path + ": " + std::strerror(err);
}

}  // namespace

std::string exec_peer_server(const LobbyReturn& back, int listen_fd, const std::string& peer,
                             const std::string& token) {
  const std::string path = sibling_program("_peer_server");
  const std::string fd_text = std::to_string(listen_fd);
  const std::string port_text = std::to_string(back.port);
  if (::setenv(kTokenVariable, token.c_str(), 1) != 0) return exec_failure(path, errno);
  if (!set_cloexec(listen_fd, false)) {
    int err = errno;
    ::unsetenv(kTokenVariable);
    return exec_failure(path, err);
  }
  ::execl(path.c_str(), "_peer_server", "--session", "--listen-fd", fd_text.c_str(), "--peer",
          peer.c_str(), "--server", back.host.c_str(), "--server-port", port_text.c_str(), "--user",
          back.user.c_str(), "--share", back.share.c_str(), "--downloads", back.downloads.c_str(),
          static_cast<char*>(nullptr));
  int err = errno;
  set_cloexec(listen_fd, true);
  ::unsetenv(kTokenVariable);
  return exec_failure(path, err);
}

std::string exec_peer_client(const LobbyReturn& back, const std::string& ip, uint16_t port,
                             const std::string& peer, const std::string& token) {
  const std::string path = sibling_program("_peer_client");
  const std::string peer_port = std::to_string(port);
  const std::string port_text = std::to_string(back.port);
  if (::setenv(kTokenVariable, token.c_str(), 1) != 0) return exec_failure(path, errno);
  ::execl(path.c_str(), "_peer_client", "--session", "--host", ip.c_str(), "--port",
          peer_port.c_str(), "--peer", peer.c_str(), "--server", back.host.c_str(), "--server-port",
          port_text.c_str(), "--user", back.user.c_str(), "--share", back.share.c_str(),
          "--downloads", back.downloads.c_str(), static_cast<char*>(nullptr));
  int err = errno;
  ::unsetenv(kTokenVariable);
  return exec_failure(path, err);
}

}  // namespace peerlink
