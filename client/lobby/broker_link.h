// The lobby's link to the broker: the registered connection, requests on it, the keep-alive PING,
// the events it brings, and getting it back (Reconnector) when it is lost.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "client/lobby/broker_conn.h"
#include "client/lobby/console.h"
#include "client/lobby/messages.h"
#include "client/lobby/reconnector.h"
#include "client/lobby/registration.h"
#include "client/options.h"
#include "common/base/result.h"

namespace peerlink::lobby {

// Owns the broker connection (registered as identity.name when it is handed over), the identity
// it registers again after a loss, and the reconnect schedule. Lobby thread only. It tells its
// owner what happened through the callbacks, which must be set before anything is used.
class BrokerLink {
 public:
  using Clock = std::chrono::steady_clock;

  struct Callbacks {
    std::function<void()> dropped;     // the connection is gone: all that lived on it is void
    std::function<void()> registered;  // registered again after a loss
    std::function<void(int)> leave;    // no (more) reconnecting: leave with this exit status
    std::function<void()> changed;     // offline now: the prompt says so
  };

  BrokerLink(LobbyConsole* console, const ClientOptions& options, BrokerConn conn,
             Identity identity, std::string observed_ip);
  void set_callbacks(Callbacks callbacks) { on_ = std::move(callbacks); }

  // Registered and usable: not reconnecting, not closed by leave().
  bool online() const { return !left_ && !reconnector_.active() && conn_.is_open(); }
  bool reconnecting() const { return reconnector_.active(); }
  // Closed by leave(): the lobby is leaving.
  bool left() const { return left_; }
  // The socket to poll while online, else -1.
  int poll_fd() const { return online() ? conn_.fd() : -1; }
  // poll() said the socket is readable: reads what arrived; a failure is a loss (lost()).
  void on_readable();
  // The next event the broker sent, in order; its unsolicited ERR lines met on the way are
  // printed ("the broker says: ..."). nullopt when none is left, or the link is down (what a lost
  // connection still said is void).
  std::optional<BrokerEvent> next_event();

  // Sends a request on the live connection (bounded wait); a transport failure starts
  // reconnecting (lost()) and is returned.
  Expected<BrokerConn::Reply> request(const std::string& line, std::string_view body_word = {});

  // The connection failed (why): reports it and begins reconnecting.
  void lost(const std::string& why);
  // Closes the connection (without a word to the user) and starts the reconnect schedule, or
  // leaves (Callbacks::leave(1)) with --reconnect-attempts 0.
  void begin_reconnect();
  // BYE (bounded) and close, before an exec; begin_reconnect() if the exec fails.
  void say_bye();
  // BYE if online, close, and stay closed: online() is false from now on.
  void leave();

  // When tick() has work: the next reconnect attempt, or the keep-alive PING.
  Clock::time_point next_wake() const;
  // A due reconnect attempt, or a PING after a quiet minute.
  void tick(Clock::time_point now);

  const std::string& observed_ip() const { return observed_ip_; }

 private:
  void keepalive();
  void reconnect_step();

  LobbyConsole* console_;
  const ClientOptions& options_;
  BrokerConn conn_;
  Identity identity_;
  std::string observed_ip_;  // the address the broker sees for us
  Reconnector reconnector_;
  Clock::time_point last_traffic_ = Clock::now();
  std::deque<BrokerMessage> batch_;  // taken from the connection, not handed out yet
  bool left_ = false;
  Callbacks on_;
};

}  // namespace peerlink::lobby
