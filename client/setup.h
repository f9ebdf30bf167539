// Everything `_c` settles before the lobby opens: the file server's listening socket, the
// downloads folder, the broker connection, the user name (registered) and the shared folder.
#pragma once

#include "client/lobby/broker_conn.h"
#include "client/lobby/console.h"
#include "client/lobby/registration.h"
#include "client/options.h"
#include "common/base/fd.h"

namespace peerlink::lobby {

struct LobbySetup {
  ClientOptions options;  // user, share and downloads final; folders absolute
  Identity identity;
  // The file server's listening socket (CLOEXEC; only the file server child inherits it, see
  // ServeChild). Its port is the one registered; it stays bound for the lobby's whole life.
  UniqueFd file_listener;
  BrokerConn conn;  // open and registered as identity.name
  std::string observed_ip;
};

// Runs the start-up: asks on `console` for what is missing or wrong (a taken or invalid name, a
// shared folder that does not exist) until it is right or the input ends. Returns 0 with *out
// ready for the lobby, or the exit status after printing one clear line saying why (1).
int prepare_lobby(LobbyConsole* console, const ClientOptions& options, LobbySetup* out);

// "registered as NAME on HOST:PORT" — printed at start-up and after every re-registration.
std::string registered_line(const std::string& name, const std::string& host, uint16_t port);

}  // namespace peerlink::lobby
