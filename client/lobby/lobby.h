// The lobby: one thread polling stdin, the broker, the shared-folder scanner and the downloads;
// commands, notifications, chat requests and file offers in both directions, the hand-off to the
// peer programs, the background file server, and reconnecting to a lost broker.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/chat_requests.h"
#include "client/lobby/commands.h"
#include "client/lobby/console.h"
#include "client/lobby/directory.h"
#include "client/lobby/download_manager.h"
#include "client/lobby/file_offers.h"
#include "client/lobby/messages.h"
#include "client/lobby/prompts.h"
#include "client/lobby/shared_folder.h"
#include "client/options.h"
#include "client/setup.h"

namespace peerlink::lobby {

// The coordinator: the loop, typed commands and broker events handed to the part that owns
// them, each part's poll fds and deadlines, leaving, and the hand-off. The parts:
//   BrokerLink      the registered connection, requests, keep-alive, reconnecting
//   Directory       users, info, files, search, who-has (stateless)
//   Prompts         the y/n questions and the prompt
//   ChatRequests    chat requests both ways
//   FileOffers      file offers both ways
//   SharedFolder    the shared folder's scans, announcing them, the file server
//   DownloadManager downloads, and those a chat session paused
class Lobby {
 public:
  // Uses (does not own) the console; takes the settled start-up state, whose connection must be
  // registered. Owns the file server, the downloads and the shared-folder scanner, and stops
  // them when it leaves.
  Lobby(LobbyConsole* console, LobbySetup setup);
  Lobby(const Lobby&) = delete;  // the parts point at each other and at this
  Lobby& operator=(const Lobby&) = delete;

  // Runs until `quit`, the end of input, a quit signal, or giving up on a lost broker, and
  // returns the exit status (0, or 1 after giving up). When a chat session starts the process
  // execs a peer program instead, and this does not return.
  int run();

 private:
  using Clock = std::chrono::steady_clock;
  using Style = LobbyConsole::Style;

  int poll_timeout_ms() const;
  void tick();  // timers: reconnect, keep-alive, share polling, offer expiry, child processes

  // Input and the simple commands.
  void handle_line(const std::string& line);
  void run_command(LobbyCommandKind kind, const std::string& arg);
  void show_help();
  void leave(int status);

  // Broker events, and the broker link's news.
  BrokerLink::Callbacks link_callbacks();
  void handle_messages();
  void handle_event(const BrokerEvent& e);

  // The hand-off to a peer program (ChatRequests::HandOff).
  void hand_off(const std::function<std::string()>& exec);
  // What this run carries through a session (client/lobby/run_state.h): taken at the start
  // (true: back from a session), saved before the exec.
  bool take_run_state_back();
  void save_run_state_for_exec();
  void before_exec();        // stops the helpers: the peer program is on its own
  void after_failed_exec();  // brings them back: we stay in the lobby

  LobbyConsole* console_;
  const ClientOptions options_;  // user, share and downloads final; folders absolute
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
