// Who is away in a chat session.
#include "server/busy.h"

#include <algorithm>

#include "server/registry.h"

namespace peerlink::broker {

void BusyTable::set_deadline(Record* r, const std::string& key, Clock::time_point at) {
  deadlines_.erase({r->deadline, key});
  r->deadline = at;
  deadlines_.insert({at, key});
}

void BusyTable::erase(std::map<std::string, Record>::iterator it) {
  deadlines_.erase({it->second.deadline, it->first});
  if (it->second.left) --busy_count_;
  records_.erase(it);
}

void BusyTable::session_started(const std::string& a, const std::string& b, Clock::time_point now) {
  for (const auto& [name, partner] : {std::pair{a, b}, std::pair{b, a}}) {
    std::string key = fold_name(name);
    auto it = records_.find(key);
    if (it == records_.end()) {
      if (records_.size() >= limits_.max_records) continue;
      it = records_.emplace(key, Record{}).first;
      it->second.deadline = now;
      deadlines_.insert({now, key});
    } else if (it->second.left) {
      --busy_count_;  // cannot happen for a registered user; kept consistent anyway
    }
    Record& r = it->second;
    r.name = name;
    r.partner = partner;
    r.left = false;
    set_deadline(&r, key, now + limits_.hand_off);
  }
}

std::optional<std::string> BusyTable::left(std::string_view name, Clock::time_point now) {
  std::string key = fold_name(name);
  auto it = records_.find(key);
  if (it == records_.end() || it->second.left) return std::nullopt;
  Record& r = it->second;
  r.left = true;
  ++busy_count_;
  set_deadline(&r, key, now + limits_.expiry);
  return r.partner;
}

void BusyTable::returned(std::string_view name, Clock::time_point now) {
  std::string key = fold_name(name);
  auto it = records_.find(key);
  if (it == records_.end()) return;
  std::string partner_key = fold_name(it->second.partner);
  erase(it);
  auto p = records_.find(partner_key);
  if (p == records_.end() || fold_name(p->second.partner) != key) return;
  set_deadline(&p->second, partner_key, std::min(p->second.deadline, now + limits_.grace));
}

std::vector<std::string> BusyTable::expire(Clock::time_point now) {
  std::vector<std::string> gone;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto it = records_.find(deadlines_.begin()->second);
    if (it == records_.end()) {  // cannot happen: every record has exactly one entry
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    if (it->second.left) gone.push_back(it->second.name);
    erase(it);
  }
  return gone;
}

const BusyTable::Record* BusyTable::busy(std::string_view name) const {
  auto it = records_.find(fold_name(name));
  return it != records_.end() && it->second.left ? &it->second : nullptr;
}

std::vector<const BusyTable::Record*> BusyTable::busy_list() const {
  std::vector<const Record*> out;
  out.reserve(busy_count_);
  for (const auto& [key, r] : records_) {
    if (r.left) out.push_back(&r);
  }
  return out;
}

BusyTable::Clock::time_point BusyTable::next_deadline() const {
  return deadlines_.empty() ? Clock::time_point::max() : deadlines_.begin()->first;
}

}  // namespace peerlink::broker
