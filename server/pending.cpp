// Requests the broker relays and waits on.
#include "server/pending.h"

namespace peerlink::broker {

void Pending::unlink(std::unordered_map<std::string, std::set<uint64_t>>* index,
                     const std::string& user, uint64_t id) {
  auto it = index->find(user);
  if (it == index->end()) return;
  it->second.erase(id);
  if (it->second.empty()) index->erase(it);
}

ChatRequest* Pending::add_chat(ChatRequest r) {
  uint64_t id = r.id;
  link(&chats_by_user_, r.from, id);
  link(&chats_by_user_, r.to, id);
  outgoing_[r.from] = id;
  chat_timers_.push_back({r.deadline, id});
  compact_timers();
  return &(chats_[id] = std::move(r));
}

ChatRequest* Pending::chat(uint64_t id) {
  auto it = chats_.find(id);
  return it == chats_.end() ? nullptr : &it->second;
}

ChatRequest* Pending::outgoing_chat(const std::string& from) {
  auto it = outgoing_.find(from);
  return it == outgoing_.end() ? nullptr : chat(it->second);
}

void Pending::remove_chat(uint64_t id) {
  auto it = chats_.find(id);
  if (it == chats_.end()) return;
  unlink(&chats_by_user_, it->second.from, id);
  unlink(&chats_by_user_, it->second.to, id);
  auto out = outgoing_.find(it->second.from);
  if (out != outgoing_.end() && out->second == id) outgoing_.erase(out);
  chats_.erase(it);  // its timer entry is skipped when it comes due
}

PendingOffer* Pending::add_offer(PendingOffer o) {
  uint64_t id = o.id;
  link(&offers_by_user_, o.from, id);
  for (const auto& [user, waiting] : o.targets) link(&offers_by_user_, user, id);
  offer_timers_.push_back({o.deadline, id});
  ++offers_from_[o.from];
  compact_timers();
  return &(offers_[id] = std::move(o));
}

PendingOffer* Pending::offer(uint64_t id) {
  auto it = offers_.find(id);
  return it == offers_.end() ? nullptr : &it->second;
}

void Pending::remove_offer(uint64_t id) {
  auto it = offers_.find(id);
  if (it == offers_.end()) return;
  unlink(&offers_by_user_, it->second.from, id);
  for (const auto& [user, waiting] : it->second.targets) unlink(&offers_by_user_, user, id);
  auto from = offers_from_.find(it->second.from);
  if (from != offers_from_.end() && --from->second == 0) offers_from_.erase(from);
  offers_.erase(it);
}

size_t Pending::offers_from(const std::string& from) const {
  auto it = offers_from_.find(from);
  return it == offers_from_.end() ? 0 : it->second;
}

void Pending::compact_timers() {
  auto compact = [](auto* timers, const auto& live) {
    if (timers->size() < 1024 || timers->size() < 2 * live.size()) return;
    std::deque<std::pair<Clock::time_point, uint64_t>> kept;
    for (const auto& t : *timers) {
      if (live.count(t.second) > 0) kept.push_back(t);
    }
    timers->swap(kept);
  };
  compact(&chat_timers_, chats_);
  compact(&offer_timers_, offers_);
}

std::vector<uint64_t> Pending::chats_of(const std::string& user) const {
  auto it = chats_by_user_.find(user);
  if (it == chats_by_user_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<uint64_t> Pending::offers_of(const std::string& user) const {
  auto it = offers_by_user_.find(user);
  if (it == offers_by_user_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

static std::vector<uint64_t> pop_expired(std::deque<std::pair<Clock::time_point, uint64_t>>* q,
                                         Clock::time_point now) {
  std::vector<uint64_t> out;
  while (!q->empty() && q->front().first <= now) {
    out.push_back(q->front().second);
    q->pop_front();
  }
  return out;
}

std::vector<uint64_t> Pending::expired_chats(Clock::time_point now) {
  std::vector<uint64_t> out;
  for (uint64_t id : pop_expired(&chat_timers_, now)) {
    if (chats_.count(id) > 0) out.push_back(id);
  }
  return out;
}

std::vector<uint64_t> Pending::expired_offers(Clock::time_point now) {
  std::vector<uint64_t> out;
  for (uint64_t id : pop_expired(&offer_timers_, now)) {
    if (offers_.count(id) > 0) out.push_back(id);
  }
  return out;
}

Clock::time_point Pending::next_deadline() const {
  auto t = Clock::time_point::max();
  if (!chat_timers_.empty()) t = std::min(t, chat_timers_.front().first);
  if (!offer_timers_.empty()) t = std::min(t, offer_timers_.front().first);
  return t;
}

}  // namespace peerlink::broker
