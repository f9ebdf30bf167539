// The lobby: one thread polling stdin, the broker, the shared-folder scanner and the downloads;
// commands, notifications, chat requests and file offers in both directions, the hand-off to the
// peer programs, the background file server, and reconnecting to a lost broker.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

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
  // returns the exit status: 0, or 1 after giving up, or 1 in a script (stdin not a terminal)
  // where a command or a download failed (at the first one with --strict; docs/LOBBY.md,
  // "Scripts"). When a chat session starts the process execs a peer program instead, and this
  // does not return.
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
  // Gives the console's editor its Tab completion (client/lobby/completions.h).
  void install_completions();
  void leave(int status);

  // Scripts: failures, `wait`, and `quit` or the end of input waiting for downloads.
  enum class Waiting { kNo, kForWait, kForQuit };
  bool scripted() const { return !console_->interactive(); }
  void quit(bool now);  // `quit [now]` or the end of input
  void start_wait(Waiting why);
  void check_wait();  // ends the wait once every download it waits for has ended
  void count_failures(size_t errors_before);  // after a command
  void check_strict();                        // --strict: leaves at the first failure

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
  size_t failures_ = 0;               // failed commands (script only)
  size_t downloads_failed_seen_ = 0;  // downloads_.failed_count() already counted
  Waiting waiting_ = Waiting::kNo;
  std::vector<std::string> waited_;  // local names of the downloads waited for
};

}  // namespace peerlink::lobby
