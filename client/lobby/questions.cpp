// The y/n questions the lobby asks its user.
#include "client/lobby/questions.h"

#include <algorithm>

#include "client/lobby/files.h"
#include "common/fs/names.h"

namespace peerlink::lobby {

std::string Question::summary() const {
  if (kind == Kind::kChat) return from + " wants to chat";
  return from + " offers " + printable(file) + " (" + std::to_string(size) + " bytes, sha256 " +
         short_sha(sha256) + ")";
}

std::string Question::subject() const {
  if (kind == Kind::kChat) return from + "'s chat request";
  return printable(file) + " from " + from;
}

std::string Question::prompt() const {
  return "accept " + (kind == Kind::kChat ? from : printable(file)) + "? [y/n] ";
}

bool QuestionQueue::push(Question q) {
  q_.push_back(std::move(q));
  return q_.size() == 1;
}

Question QuestionQueue::pop_front() {
  Question q = std::move(q_.front());
  q_.pop_front();
  return q;
}

std::optional<Question> QuestionQueue::remove_if(const std::function<bool(const Question&)>& pred,
                                                 bool* was_front) {
  auto it = std::find_if(q_.begin(), q_.end(), pred);
  if (it == q_.end()) return std::nullopt;
  *was_front = it == q_.begin();
  Question q = std::move(*it);
  q_.erase(it);
  return q;
}

std::optional<std::chrono::steady_clock::time_point> QuestionQueue::next_expiry() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const Question& q : q_) {
    if (q.kind != Question::Kind::kOffer) continue;
    if (!next || q.expires < *next) next = q.expires;
  }
  return next;
}

}  // namespace peerlink::lobby
