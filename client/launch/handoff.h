// The hand-off from the lobby to the peer programs (docs/HANDOFF.md): exec _peer_server on the
// side that accepted a chat, _peer_client on the side that asked.
#pragma once

#include <cstdint>
#include <string>

#include "common/handoff/lobby_args.h"

namespace peerlink::lobby {

// `back` is this lobby's own arguments (user, share and downloads settled, the folders absolute):
// what both peer programs need to bring the user back to it afterwards (its broker, user and
// folders go into their argv).
//
// Both exec functions expect the caller to have stopped its children first (the file server and
// the downloads, Lobby::before_exec()): the peer program cannot look after them, and a file
// server left running would keep serving a lobby that is gone.

// Replaces this process with <self dir>/_peer_server, which inherits `listen_fd` (already
// listening; FD_CLOEXEC is cleared here) and gets `token` in an inherited memfd named by
// --secret-fd (common/base/secret_fd.h), never in argv or the environment. Returns only if the exec
// failed, with the reason; the fd is then CLOEXEC again and the memfd closed.
// `peer_key_hex`: the other user's static key as the broker vouched for it (the session checks
// it; branch session).
std::string exec_peer_server(const LobbyArgs& back, int listen_fd, const std::string& peer,
                             const std::string& peer_key_hex, const std::string& token);

// Replaces this process with <self dir>/_peer_client, told to connect to ip:port, the token handed
// over the same way. Returns only if the exec failed, with the reason.
std::string exec_peer_client(const LobbyArgs& back, const std::string& ip, uint16_t port,
                             const std::string& peer, const std::string& peer_key_hex,
                             const std::string& token);

}  // namespace peerlink::lobby
