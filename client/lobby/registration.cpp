// REGISTER on an open broker connection.
#include "client/lobby/registration.h"

#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

constexpr int kRegisterTimeoutMs = 10000;

}  // namespace

RegisterResult register_user(BrokerConn* conn, const Identity& id) {
  RegisterResult result;
  std::string line =
      LineWriter(wire::request::kRegister).field(id.name).num(id.file_port).word(id.key).str();
  Expected<BrokerConn::Reply> r = conn->request(line, kRegisterTimeoutMs);
  if (!r.ok()) {
    result.message = r.message();
    return result;
  }
  const BrokerMessage& m = r->head;
  if (is_ok(m, wire::reply::kRegistered) && m.fields.size() >= 3) {
    result.status = RegisterResult::Status::kRegistered;
    result.ip = m.fields[2];
    return result;
  }
  if (m.kind == BrokerMessage::Kind::kErr && m.code == wire::err::kConflict) {
    result.status = RegisterResult::Status::kTaken;
    result.message = printable(m.reason);
    return result;
  }
  if (m.kind == BrokerMessage::Kind::kErr && m.code != wire::err::kTimedOut) {
    result.status = RegisterResult::Status::kRefused;
    result.message = printable(m.reason);
    return result;
  }
  // ERR 408 (we took too long to register: the broker closes) or a reply that makes no sense.
  result.message = m.kind == BrokerMessage::Kind::kErr ? printable(m.reason) : "unexpected reply";
  conn->close();
  return result;
}

}  // namespace peerlink::lobby
