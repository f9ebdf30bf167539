// The y/n questions the lobby asks its user: chat requests and file offers, answered oldest first.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace peerlink::lobby {

struct Question {
  enum class Kind { kChat, kOffer };
  Kind kind = Kind::kChat;
  uint64_t id = 0;   // the broker's request or offer id
  std::string from;  // who asks
  // Offers only:
  std::string file;  // a safe base name
  uint64_t size = 0;
  std::string sha256;
  std::chrono::steady_clock::time_point expires{};  // when the broker gives up on the offer

  // "alice wants to chat" or "alice offers report.pdf (52344 bytes, sha256 9a0c1b2c3d4e)".
  std::string summary() const;
  // summary() + " — accept? [y/n]".
  std::string text() const { return summary() + " — accept? [y/n]"; }
  // What is asked, without the question mark: "alice's chat request", "report.pdf from alice".
  std::string subject() const;
  // The prompt while it is the oldest: "accept alice? [y/n] ", "accept report.pdf? [y/n] ".
  std::string prompt() const;
};

// A FIFO of open questions. `y`/`n` answers the front one; the next is asked when it is answered
// or withdrawn. Lobby thread only.
class QuestionQueue {
 public:
  // Adds a question; true if it is now the one to ask (the queue was empty).
  bool push(Question q);
  bool empty() const { return q_.empty(); }
  size_t size() const { return q_.size(); }
  const Question& front() const { return q_.front(); }
  Question pop_front();
  // Removes the first question matching `pred` and returns it; *was_front says whether it was the
  // one being asked (so the next must be asked now).
  std::optional<Question> remove_if(const std::function<bool(const Question&)>& pred,
                                    bool* was_front);
  void clear() { q_.clear(); }
  // The earliest offer expiry (for the poll timeout), or nullopt without offers.
  std::optional<std::chrono::steady_clock::time_point> next_expiry() const;

 private:
  std::deque<Question> q_;
};

}  // namespace peerlink::lobby
