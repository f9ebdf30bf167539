// REGISTER on an open broker connection, and what each answer means for the lobby.
#pragma once

#include <cstdint>
#include <string>

#include "client/lobby/broker_conn.h"
#include "common/crypto/x25519.h"

namespace peerlink::lobby {

// What the broker is told about this client: its name, its file server's port and the ticket
// key that file server holds (PROTOCOL.md, "Session start").
struct Identity {
  std::string name;
  uint16_t file_port = 0;
  std::string key;  // 64 hex digits
  // The user's static key pair: what the file server and the downloaders prove (and, with the
  // broker link on Noise, the key the broker binds the name to).
  X25519KeyPair keys;
};

struct RegisterResult {
  enum class Status {
    kRegistered,  // ip holds the address the broker observes for us
    kTaken,       // ERR 409: someone else has the name; the connection stays usable
    kRefused,     // another ERR (e.g. 400 bad name); message holds the broker's reason
    kLost,        // the connection failed; message says why (it is closed now)
  };
  Status status = Status::kLost;
  std::string ip;
  std::string message;
};

RegisterResult register_user(BrokerConn* conn, const Identity& id);

}  // namespace peerlink::lobby
