// File offers, both ways: `send PATH USER...` and the answers to our offers, and the offers of
// others (questions asked through Prompts, forgotten when the broker gives up on them).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/lobby/directory.h"
#include "client/lobby/download_manager.h"
#include "client/lobby/messages.h"
#include "client/lobby/prompts.h"
#include "client/lobby/questions.h"
#include "client/lobby/shared_folder.h"
#include "client/options.h"

namespace peerlink::lobby {

// Lobby thread only; nothing passed in is owned. An offer of ours must be of a file the broker
// has been told about (`shared`); an accepted offer to us is a download (`downloads`).
class FileOffers {
 public:
  using Clock = std::chrono::steady_clock;

  FileOffers(LobbyConsole* console, BrokerLink* link, Prompts* prompts, Directory* directory,
             SharedFolder* shared, DownloadManager* downloads, const ClientOptions& options)
      : console_(console),
        link_(link),
        prompts_(prompts),
        directory_(directory),
        shared_(shared),
        downloads_(downloads),
        share_(options.share),
        user_(options.user) {}

  // `send PATH USER...`.
  void send(const std::string& arg);
  // An offer to us (a question until kOfferTimeout), one withdrawn, or an answer to ours.
  void handle_event(const BrokerEvent& e);
  // The user's y/n to an offer (Prompts' answerer): yes starts the download.
  void answer(const Question& q, bool yes);
  // Forgets the offers to us the broker has given up on by `now`, saying so.
  void expire(Clock::time_point now);
  // `user` left: the broker drops their offers without telling us.
  void withdraw_from(const std::string& user);
  // The broker connection was lost: our offers are void.
  void dropped() { offers_out_.clear(); }

 private:
  using Style = LobbyConsole::Style;
  struct OfferOut {  // our file offer, waiting for answers
    std::string file;
    std::set<std::string> waiting;
  };

  LobbyConsole* console_;
  BrokerLink* link_;
  Prompts* prompts_;
  Directory* directory_;
  SharedFolder* shared_;
  DownloadManager* downloads_;
  const std::string share_;  // our shared folder
  const std::string user_;
  std::map<uint64_t, OfferOut> offers_out_;
};

}  // namespace peerlink::lobby
