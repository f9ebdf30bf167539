// Getting a lost broker back.
#include "client/lobby/reconnector.h"

#include <algorithm>

namespace peerlink::lobby {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

}  // namespace

std::chrono::milliseconds Reconnector::backoff(int attempt) {
  auto d = kFirstBackoff * (1LL << std::clamp(attempt, 0, 10));
  return std::min<std::chrono::milliseconds>(d, kMaxBackoff);
}

void Reconnector::start(Clock::time_point now) {
  active_ = true;
  attempts_ = 0;
  taken_ = 0;
  next_ = now + backoff(0);
}

Reconnector::Outcome Reconnector::attempt(BrokerConn* conn, const std::string& host, uint16_t port,
                                          const Identity& id, Clock::time_point now) {
  Outcome out;
  out.attempt = ++attempts_;
  bool hopeless = false;
  BrokerConn::OpenResult o = conn->open(host, port, id.keys);
  if (o.result.ok()) {
    RegisterResult r = register_user(conn, id);
    if (r.status == RegisterResult::Status::kRegistered) {
      active_ = false;
      out.kind = Outcome::Kind::kRegistered;
      out.ip = r.ip;
      return out;
    }
    conn->close();
    if (r.status == RegisterResult::Status::kKeyTaken) {
      // Bound to another key: no retry gets it back, only the broker's operator (--release).
      active_ = false;
      out.kind = Outcome::Kind::kGiveUp;
      out.why = "the name " + id.name + " belongs to another key now";
      return out;
    }
    if (r.status == RegisterResult::Status::kTaken) {
      // Our own old registration the broker has not dropped yet, or someone who took the name
      // while we were away. Either way the broker is reachable: keep trying (backing off) and
      // never give the name up.
      --attempts_;
      out.attempt = attempts_;
      out.kind = Outcome::Kind::kNameTaken;
      out.taken_in_a_row = ++taken_;
      out.why = "the name " + id.name + " is taken";
      next_ = now + backoff(taken_);
      return out;
    }
    taken_ = 0;
    out.why = r.message;
  } else {
    taken_ = 0;
    out.why = o.result.message();
    hopeless = o.fatal;
  }
  if (hopeless || attempts_ >= max_attempts_) {
    active_ = false;
    out.kind = Outcome::Kind::kGiveUp;
    return out;
  }
  next_ = now + backoff(attempts_);
  return out;
}

}  // namespace peerlink::lobby
