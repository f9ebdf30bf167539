// Getting a lost broker back.
#include "client/reconnector.h"

#include <algorithm>

namespace peerlink {
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
  next_ = now + backoff(0);
}

Reconnector::Outcome Reconnector::attempt(BrokerConn* conn, const std::string& host, uint16_t port,
                                          const Identity& id, Clock::time_point now) {
  Outcome out;
  out.attempt = ++attempts_;
  bool hopeless = false;
  BrokerConn::OpenResult o = conn->open(host, port);
  if (o.ok) {
    RegisterResult r = register_user(conn, id);
    if (r.status == RegisterResult::Status::kRegistered) {
      active_ = false;
      out.kind = Outcome::Kind::kRegistered;
      out.ip = r.ip;
      return out;
    }
    // A taken name may be our own old registration the broker has not dropped yet: retry.
    out.why = r.status == RegisterResult::Status::kTaken ? "the name " + id.name + " is taken"
                                                         : r.message;
    conn->close();
  } else {
    out.why = o.error;
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

}  // namespace peerlink
