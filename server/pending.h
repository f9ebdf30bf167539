// Requests the broker relays and waits on: chat requests and file offers, with their deadlines.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/connection.h"

namespace peerlink::broker {

using Clock = std::chrono::steady_clock;

struct ChatRequest {
  uint64_t id = 0;
  std::string from;
  std::string to;
  Clock::time_point deadline;
};

struct PendingOffer {
  uint64_t id = 0;
  std::string from;
  SharedFile file;
  std::map<std::string, bool> targets;  // user -> still waiting for its answer
  Clock::time_point deadline;
};

// Owns the pending chat requests and offers, indexed by id and by every user involved so a
// departing user's requests are found without a scan. Timers: every request of a kind has the
// same lifetime, so a FIFO of (deadline, id) is already in deadline order.
class Pending {
 public:
  uint64_t next_id() { return ++last_id_; }

  ChatRequest* add_chat(ChatRequest r);
  ChatRequest* chat(uint64_t id);
  // The pending request `from` has sent, if any.
  ChatRequest* outgoing_chat(const std::string& from);
  void remove_chat(uint64_t id);

  size_t chat_count() const { return chats_.size(); }

  PendingOffer* add_offer(PendingOffer o);
  PendingOffer* offer(uint64_t id);
  void remove_offer(uint64_t id);
  size_t offer_count() const { return offers_.size(); }
  // Pending offers `from` has made.
  size_t offers_from(const std::string& from) const;

  // Ids of chat requests / offers that involve `user` (as either side).
  std::vector<uint64_t> chats_of(const std::string& user) const;
  std::vector<uint64_t> offers_of(const std::string& user) const;

  // Pops ids whose deadline has passed (they are still in the tables; the caller removes them).
  std::vector<uint64_t> expired_chats(Clock::time_point now);
  std::vector<uint64_t> expired_offers(Clock::time_point now);
  // Timer entries held (live and answered ones not yet come due).
  size_t timer_entries() const { return chat_timers_.size() + offer_timers_.size(); }
  // Earliest deadline of anything pending, or time_point::max().
  Clock::time_point next_deadline() const;

 private:
  void link(std::unordered_map<std::string, std::set<uint64_t>>* index, const std::string& user,
            uint64_t id) {
    (*index)[user].insert(id);
  }
  void unlink(std::unordered_map<std::string, std::set<uint64_t>>* index, const std::string& user,
              uint64_t id);

  // Drops timer entries of requests already answered once they outnumber the live ones, so the
  // timer queues stay proportional to what is pending (amortised O(1) per request).
  void compact_timers();

  uint64_t last_id_ = 0;
  std::unordered_map<std::string, size_t> offers_from_;
  std::unordered_map<uint64_t, ChatRequest> chats_;
  std::unordered_map<std::string, uint64_t> outgoing_;
  std::unordered_map<std::string, std::set<uint64_t>> chats_by_user_;
  std::deque<std::pair<Clock::time_point, uint64_t>> chat_timers_;
  std::unordered_map<uint64_t, PendingOffer> offers_;
  std::unordered_map<std::string, std::set<uint64_t>> offers_by_user_;
  std::deque<std::pair<Clock::time_point, uint64_t>> offer_timers_;
};

}  // namespace peerlink::broker
