// The lobby: one thread polling stdin and the broker; commands, notifications, chat requests in
// both directions, the hand-off to the peer programs, and reconnecting to a lost broker.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "client/broker_conn.h"
#include "client/console.h"
#include "client/reconnector.h"
#include "client/setup.h"
#include "common/client_commands.h"
#include "common/client_messages.h"

namespace peerlink {

class Lobby {
 public:
  // Uses (does not own) the console and the settled start-up state, whose connection must be
  // registered.
  Lobby(LobbyConsole* console, LobbySetup* setup) : console_(console), s_(setup) {}

  // Runs until `quit`, the end of input, a quit signal, or giving up on a lost broker, and
  // returns the exit status (0, or 1 after giving up). When a chat session starts the process
  // execs a peer program instead, and this does not return.
  int run();

 private:
  using Clock = std::chrono::steady_clock;
  struct Incoming {  // a chat request to us, waiting for y/n
    uint64_t id = 0;
    std::string from;
  };
  struct Outgoing {  // our chat request, waiting for the other side
    uint64_t id = 0;
    std::string to;
  };

  bool online() const { return !reconnector_.active() && s_->conn.is_open(); }
  int poll_timeout_ms() const;

  void handle_line(const std::string& line);
  void run_command(LobbyCommandKind kind, const std::string& arg);
  void handle_messages();
  void handle_event(const BrokerEvent& e);

  void show_users();
  void show_info(const std::string& user);
  void show_help();
  void say_no_such_user(const std::string& user);

  // Chat requests both ways and the hand-off (lobby_chat.cpp).
  void handle_chat_event(const BrokerEvent& e);
  void ask_chat(const std::string& user);
  void answer(bool yes);
  void accept(const Incoming& req);
  void start_requested_session(const BrokerEvent& e);
  void ask_next_request();

  // Sends a request on the live connection; a transport failure starts reconnecting.
  BrokerConn::Reply request(const std::string& line, std::string_view body_word = {});
  void keepalive();
  void lost(const std::string& why);
  void begin_reconnect();
  void reconnect_step();
  void leave(int status);
  void update_prompt();

  LobbyConsole* console_;
  LobbySetup* s_;
  std::deque<Incoming> incoming_;
  std::optional<Outgoing> outgoing_;
  LobbyCommandKind awaiting_arg_ = LobbyCommandKind::kEmpty;  // "3" typed alone: ask for USER
  Reconnector reconnector_{s_->options.reconnect_attempts};
  Clock::time_point last_traffic_ = Clock::now();
  bool done_ = false;
  int status_ = 0;
};

}  // namespace peerlink
