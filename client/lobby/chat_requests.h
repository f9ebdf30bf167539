// Chat requests, both ways: `chat USER` and its answer, and the requests of others (questions
// asked through Prompts). An accepted request hands the process over to a peer program.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/lobby/directory.h"
#include "client/lobby/messages.h"
#include "client/lobby/prompts.h"
#include "client/lobby/questions.h"
#include "client/options.h"

namespace peerlink::lobby {

// Lobby thread only; nothing passed in is owned. `options` are the lobby's own arguments, which
// the peer program gets to come back (client/launch/handoff.h).
class ChatRequests {
 public:
  // Runs `exec` (which returns only if it failed, with the reason) with the lobby ready for the
  // peer program, and gets the lobby going again after a failure.
  using HandOff = std::function<void(const std::function<std::string()>& exec)>;

  ChatRequests(LobbyConsole* console, BrokerLink* link, Prompts* prompts, Directory* directory,
               const ClientOptions& options, HandOff hand_off)
      : console_(console),
        link_(link),
        prompts_(prompts),
        directory_(directory),
        options_(options),
        hand_off_(std::move(hand_off)) {}

  // `chat USER`.
  void ask(const std::string& user);
  // A chat request of someone else, the answer to ours, or a request withdrawn.
  void handle_event(const BrokerEvent& e);
  // The user's y/n to a chat request (Prompts' answerer).
  void answer(const Question& q, bool yes);
  // The broker connection was lost: our request is void.
  void dropped() { outgoing_.reset(); }

 private:
  using Style = LobbyConsole::Style;
  struct Outgoing {  // our chat request, waiting for the other side
    uint64_t id = 0;
    std::string to;
  };

  void accept(const Question& q);
  void start_requested_session(const BrokerEvent& e);

  LobbyConsole* console_;
  BrokerLink* link_;
  Prompts* prompts_;
  Directory* directory_;
  const ClientOptions& options_;
  HandOff hand_off_;
  std::optional<Outgoing> outgoing_;
};

}  // namespace peerlink::lobby
