// Who is away in a chat session: users who left the broker for a session it relayed, shown as
// "in a chat with X" until they come back, their partner comes back without them, or the record
// expires (docs/PROTOCOL.md, "Busy users").
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace peerlink::broker {

// The lifetimes of a record (BrokerOptions holds the broker's values).
struct BusyLimits {
  size_t max_records = 10000;  // records of every kind together; past it none are added
  // After CHAT_ACCEPTED, how long a user has to leave for its session (the lobby's BYE follows
  // at once); a user still online after it is simply no longer expected to leave.
  std::chrono::seconds hand_off{30};
  // How long a user counts as busy at most: both ends of a session that vanished (terminals
  // closed) never come back to clear it.
  std::chrono::seconds expiry{4 * 3600};
  // Once the partner is back, the session has ended for both: the other has this long to come
  // back too, else it is taken as gone.
  std::chrono::seconds grace{20};
};

// One record per user name (keyed ignoring case, like the registry), in two states: expected
// to leave (between CHAT_ACCEPTED and its disconnect) and busy (left; listed and announced).
// Deadlines are kept in an ordered set beside the records, so expiring is O(log n) each.
// Pure: the caller passes the time and sends the events.
class BusyTable {
 public:
  using Clock = std::chrono::steady_clock;

  struct Record {
    std::string name;     // as registered
    std::string partner;  // as registered
    bool left = false;    // false: still online, expected to leave for the session
    Clock::time_point deadline;
  };

  explicit BusyTable(BusyLimits limits = {}) : limits_(limits) {}

  // The broker relayed CHAT_ACCEPTED between `a` and `b`: both are expected to leave. A record
  // either already had is replaced. Nothing is added once the table is full.
  void session_started(const std::string& a, const std::string& b, Clock::time_point now);
  // `name` disconnected. If it was expected to leave, it is busy now and its partner is
  // returned (the caller announces BUSY instead of LEAVE); otherwise nullopt (a plain LEAVE).
  std::optional<std::string> left(std::string_view name, Clock::time_point now);
  // `name` registered again: its record goes, and a partner still away (whose record names it)
  // gets at most `grace` to come back.
  void returned(std::string_view name, Clock::time_point now);
  // Removes the records whose deadline is before or at `now`; returns the names of those that
  // were busy (the caller announces their LEAVE).
  std::vector<std::string> expire(Clock::time_point now);

  // The busy record of `name` (any case), or null (none, or still online).
  const Record* busy(std::string_view name) const;
  // Busy records, by folded name (sorted), for USERS.
  std::vector<const Record*> busy_list() const;
  size_t busy_count() const { return busy_count_; }
  size_t size() const { return records_.size(); }
  Clock::time_point next_deadline() const;

 private:
  void set_deadline(Record* r, const std::string& key, Clock::time_point at);
  void erase(std::map<std::string, Record>::iterator it);

  BusyLimits limits_;
  std::map<std::string, Record> records_;  // by fold_name()
  std::set<std::pair<Clock::time_point, std::string>> deadlines_;
  size_t busy_count_ = 0;
};

}  // namespace peerlink::broker
