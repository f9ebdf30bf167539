// Directory events (JOIN, LEAVE, BUSY, SHARES) collected between pushes and sent as one batch:
// one encoding shared by every recipient, with each user's changes merged (a JOIN and the
// SHARES that follows are one JOIN line; a later SHARES replaces an earlier one; a JOIN and a
// LEAVE in the same batch cancel out). See docs/PROTOCOL.md, "Events".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace peerlink::broker {

class PresenceBatch {
 public:
  void join(std::string_view user, std::string_view ip, uint16_t port);
  void shares(std::string_view user, uint64_t count);
  void leave(std::string_view user);
  void busy(std::string_view user, std::string_view partner);

  bool empty() const { return live_ == 0; }
  // About how many bytes take() would return.
  size_t bytes() const { return bytes_; }
  // The batch as event lines, in the order the changes happened, and where each user's own
  // lines are in it (users are not told of their own changes); the batch is empty after.
  struct Batch {
    std::string text;
    std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> own;  // [begin, end)
    // `text` without `user`'s own lines.
    std::string for_user(const std::string& user) const;
    size_t lines = 0;
    uint64_t joined = 0, left = 0, busy = 0, shares = 0;  // lines of each kind
    // "EVENT CHANGES <joined> <left> <busy> <shares>": what a batch of many lines is sent as.
    std::string summary() const;
  };
  Batch take();

 private:
  enum class Kind { kJoin, kShares, kLeave, kBusy, kVoid };
  struct Delta {
    Kind kind = Kind::kVoid;
    std::string user;
    std::string text;  // ip (JOIN) or partner (BUSY)
    uint16_t port = 0;
    bool has_count = false;
    uint64_t count = 0;
  };
  Delta& add(Kind kind, std::string_view user);
  void drop(size_t i);
  // The user's last delta in this batch, or nullptr.
  Delta* last_of(std::string_view user);

  std::vector<Delta> deltas_;
  std::unordered_map<std::string, size_t> last_;  // user -> index of its last delta
  size_t live_ = 0;
  size_t bytes_ = 0;
};

}  // namespace peerlink::broker
