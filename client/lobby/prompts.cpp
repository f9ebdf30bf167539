// The lobby's questions and prompt.
#include "client/lobby/prompts.h"

#include <utility>

namespace peerlink::lobby {

void Prompts::add(Question q) {
  std::string summary = q.summary();
  if (questions_.push(std::move(q))) {
    ask_next();
  } else {
    console_->print(summary + " — queued: y/n answers the oldest question first", Style::kQuestion);
  }
}

void Prompts::ask_next() {
  if (questions_.empty()) return;
  console_->print(questions_.front().text(), Style::kQuestion);
}

void Prompts::answer(bool yes) {
  if (questions_.empty()) {
    console_->print("no request to answer", Style::kError);
    return;
  }
  Question q = questions_.pop_front();
  if (q.kind == Question::Kind::kChat) {
    answer_chat_(q, yes);
  } else {
    answer_offer_(q, yes);
  }
  // Not after a failed request (reconnecting: the questions are void) or while leaving.
  if (link_->online()) ask_next();
}

void Prompts::ask_argument(LobbyCommandKind kind) {
  awaiting_arg_ = kind;
  console_->print(argument_question(kind), Style::kQuestion);
}

void Prompts::update() {
  std::string prompt = user_;
  if (link_->reconnecting()) {
    prompt += " (offline)> ";
  } else if (awaiting_arg_ != LobbyCommandKind::kEmpty) {
    prompt = argument_prompt(awaiting_arg_);
  } else if (!questions_.empty()) {
    prompt = questions_.front().prompt();
  } else {
    prompt += "> ";
  }
  console_->set_prompt(prompt);
}

}  // namespace peerlink::lobby
