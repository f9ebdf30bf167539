// Getting a lost broker back: bounded attempts with exponential backoff, each one a connect,
// HELLO and REGISTER under the same name. A broker that answers but says the name is taken
// (someone took it while we were away, e.g. after a broker restart) is retried without limit:
// giving up would hand the name to whoever grabbed it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client/lobby/broker_conn.h"
#include "client/lobby/registration.h"

namespace peerlink::lobby {

// Holds the schedule only; the connection and identity are passed to attempt().
class Reconnector {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Reconnector(int max_attempts) : max_attempts_(max_attempts) {}

  // The connection was just lost: the first attempt comes after a short pause.
  void start(Clock::time_point now);
  void stop() { active_ = false; }
  bool active() const { return active_; }
  bool due(Clock::time_point now) const { return active_ && now >= next_; }
  Clock::time_point next_attempt() const { return next_; }
  int max_attempts() const { return max_attempts_; }

  struct Outcome {
    enum class Kind {
      kRegistered,  // back online (ip: what the broker observes); the schedule stops
      kRetry,       // failed (why); another attempt is scheduled
      kNameTaken,   // the broker is there but the name is taken; retried, not counted
      kGiveUp,      // failed (why) and no attempts are left, or retrying cannot help
    };
    Kind kind = Kind::kRetry;
    int attempt = 0;         // 1-based number of this attempt (name-taken answers not counted)
    int taken_in_a_row = 0;  // for kNameTaken: how many answers in a row said so (1 = first)
    std::string why;
    std::string ip;
  };
  Outcome attempt(BrokerConn* conn, const std::string& host, uint16_t port, const Identity& id,
                  Clock::time_point now);

  // The pause before attempt number `attempt + 1`: 250 ms doubling, at most 5 s.
  static std::chrono::milliseconds backoff(int attempt);

 private:
  int max_attempts_;
  int attempts_ = 0;
  int taken_ = 0;  // name-taken answers in a row
  bool active_ = false;
  Clock::time_point next_{};
};

}  // namespace peerlink::lobby
