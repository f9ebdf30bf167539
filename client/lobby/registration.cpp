// REGISTER on an open broker connection.
#include "client/lobby/registration.h"

#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

constexpr int kRegisterTimeoutMs = 10000;

}  // namespace

RegisterResult register_user(BrokerConn* conn, const Identity& id) {
  RegisterResult result;
  LineWriter w(wire::request::kRegister);
  w.field(id.name).num(id.file_port).word(id.key);
  if (id.claim_key) w.word(to_hex(id.keys.public_key.data(), id.keys.public_key.size()));
  std::string line = w.str();
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
    result.status = m.reason == wire::err::kNameBelongsToAnotherKey
                        ? RegisterResult::Status::kKeyTaken
                        : RegisterResult::Status::kTaken;
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
