// The lobby: one thread polling stdin, the broker, the shared-folder scanner and the downloads;
// commands, notifications, chat requests and file offers in both directions, the hand-off to the
// peer programs, the background file server, and reconnecting to a lost broker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/lobby/broker_conn.h"
#include "client/lobby/broker_link.h"
#include "client/lobby/chat_requests.h"
#include "client/lobby/commands.h"
#include "client/lobby/console.h"
#include "client/lobby/directory.h"
#include "client/lobby/download_manager.h"
#include "client/lobby/file_offers.h"
#include "client/lobby/messages.h"
#include "client/lobby/prompts.h"
#include "client/lobby/questions.h"
#include "client/lobby/shared_folder.h"
#include "client/setup.h"

namespace peerlink::lobby {

class Lobby {
 public:
  // Uses (does not own) the console and the settled start-up state, whose connection must be
  // registered. Owns the file server, the downloads and the shared-folder scanner, and stops
  // them when it is destroyed.
  Lobby(LobbyConsole* console, LobbySetup* setup);

  // Runs until `quit`, the end of input, a quit signal, or giving up on a lost broker, and
  // returns the exit status (0, or 1 after giving up). When a chat session starts the process
  // execs a peer program instead, and this does not return.
  int run();

 private:
  using Clock = std::chrono::steady_clock;
  using Style = LobbyConsole::Style;
  bool online() const { return link_.online(); }
  int poll_timeout_ms() const;
  void tick();  // timers: reconnect, keep-alive, share polling, offer expiry, child processes

  // Input and the simple commands (lobby.cpp).
  void handle_line(const std::string& line);
  void run_command(LobbyCommandKind kind, const std::string& arg);
  void show_help();
  void say_no_such_user(const std::string& user) { directory_.say_no_such_user(user); }
  void leave(int status);

  // Broker events (lobby_link.cpp).
  BrokerLink::Callbacks link_callbacks();
  void handle_messages();
  void handle_event(const BrokerEvent& e);
  // Sends a request on the live connection; a transport failure starts reconnecting.
  Expected<BrokerConn::Reply> request(const std::string& line, std::string_view body_word = {}) {
    return link_.request(line, body_word);
  }

  // The hand-off to a peer program (ChatRequests::HandOff).
  void hand_off(const std::function<std::string()>& exec);
  void before_exec();        // stops the helpers: the peer program is on its own
  void after_failed_exec();  // brings them back: we stay in the lobby

  LobbyConsole* console_;
  LobbySetup* s_;
  BrokerLink link_;
  Directory directory_;
  Prompts prompts_;
  ChatRequests chat_;
  SharedFolder shared_;
  DownloadManager downloads_;
  FileOffers offers_;
  bool done_ = false;
  int status_ = 0;
};

}  // namespace peerlink::lobby
