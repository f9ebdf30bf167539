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
  // Asked once: on a terminal the prompt asks it ("accept alice? [y/n] ", update()), so the line
  // above is only the news; in a pipe there is no prompt and the line asks.
  const Question& q = questions_.front();
  console_->print(console_->interactive() ? q.summary() : q.text(), Style::kQuestion);
  update();
}

void Prompts::answer(bool yes) {
  if (questions_.empty()) {
    console_->print("no request to answer", Style::kError);
    return;
  }
  Question q = questions_.pop_front();
  update();  // the answered question's prompt goes now, not after the answer's lines
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
