// What the lobby is waiting for the user to say, and the prompt that shows it: the y/n questions
// (chat requests and file offers, oldest first) and the argument of a command typed without one.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/commands.h"
#include "client/lobby/console.h"
#include "client/lobby/questions.h"

namespace peerlink::lobby {

// Lobby thread only. Prints on `console` and reads the prompt's offline state from `link`
// (neither owned). An answer goes to the answerer of its kind, which must be set before
// answer() is used.
class Prompts {
 public:
  using Answerer = std::function<void(const Question& q, bool yes)>;

  Prompts(LobbyConsole* console, const BrokerLink* link, std::string user)
      : console_(console), link_(link), user_(std::move(user)) {}
  void set_answerers(Answerer chat, Answerer offer) {
    answer_chat_ = std::move(chat);
    answer_offer_ = std::move(offer);
  }

  // Asks `q` now if nothing else is asked, else says it is queued.
  void add(Question q);
  // `y` / `n`: answers the oldest question, then asks the next one while online.
  void answer(bool yes);
  // Asks the oldest question (again), if any: a line in a pipe; on a terminal the prompt asks
  // and the line says what it is about.
  void ask_next();
  bool has_questions() const { return !questions_.empty(); }
  // Removes the first question matching `pred` (withdrawn or expired) and returns it;
  // *was_front says whether it was the one asked, so that the next must be asked (ask_next()).
  std::optional<Question> remove_if(const std::function<bool(const Question&)>& pred,
                                    bool* was_front) {
    return questions_.remove_if(pred, was_front);
  }
  // The broker connection was lost: no question can be answered any more.
  void clear() { questions_.clear(); }
  // The earliest offer expiry, for the poll timeout.
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const {
    return questions_.next_expiry();
  }

  // A command that needs an argument came without one: asks for it; the next line is it.
  void ask_argument(LobbyCommandKind kind);
  bool awaiting_argument() const { return awaiting_arg_ != LobbyCommandKind::kEmpty; }
  // The command waiting for its argument (kEmpty if none), no longer waiting.
  LobbyCommandKind take_awaited() { return std::exchange(awaiting_arg_, LobbyCommandKind::kEmpty); }

  // Sets the console's prompt: "USER (offline)> ", the argument's prompt, the oldest question's,
  // or "USER> ".
  void update();

 private:
  using Style = LobbyConsole::Style;

  LobbyConsole* console_;
  const BrokerLink* link_;
  const std::string user_;
  QuestionQueue questions_;
  LobbyCommandKind awaiting_arg_ = LobbyCommandKind::kEmpty;  // "3" typed alone: ask for USER
  Answerer answer_chat_;
  Answerer answer_offer_;
};

}  // namespace peerlink::lobby
