// The lobby's paused downloads on their way back.
#include "client/downloads/resume_queue.h"

#include <algorithm>
#include <utility>

namespace peerlink::lobby {

bool ResumeQueue::add(PausedDownload d) {
  const bool queued = std::any_of(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) { return e.download.name == d.name; });
  if (queued) return false;
  entries_.push_back(Entry{std::move(d), true, std::nullopt});
  return true;
}

std::optional<PausedDownload> ResumeQueue::next_due() const {
  for (const Entry& e : entries_) {
    if (e.due) return e.download;
  }
  return std::nullopt;
}

void ResumeQueue::remove(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) { return e.download.name == name; });
}

bool ResumeQueue::wait_for_owner(std::string_view name, Clock::time_point now) {
  for (Entry& e : entries_) {
    if (e.download.name != name) continue;
    e.due = false;
    if (e.deadline) return false;
    e.deadline = now + kOwnerWait;
    return true;
  }
  return false;
}

void ResumeQueue::owners_changed() {
  for (Entry& e : entries_) e.due = true;
}

std::vector<PausedDownload> ResumeQueue::take_expired(Clock::time_point now) {
  std::vector<PausedDownload> expired;
  std::erase_if(entries_, [&](Entry& e) {
    if (e.due || !e.deadline || now < *e.deadline) return false;
    expired.push_back(std::move(e.download));
    return true;
  });
  return expired;
}

std::optional<ResumeQueue::Clock::time_point> ResumeQueue::next_deadline() const {
  std::optional<Clock::time_point> next;
  for (const Entry& e : entries_) {
    if (!e.due && e.deadline && (!next || *e.deadline < *next)) next = e.deadline;
  }
  return next;
}

std::vector<PausedDownload> ResumeQueue::take_all() {
  std::vector<PausedDownload> all;
  all.reserve(entries_.size());
  for (Entry& e : entries_) all.push_back(std::move(e.download));
  entries_.clear();
  return all;
}

}  // namespace peerlink::lobby
