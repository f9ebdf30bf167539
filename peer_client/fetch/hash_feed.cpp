// The written blocks a download's hasher takes from memory.
#include "peer_client/fetch/hash_feed.h"

#include <utility>

namespace peerlink::peer_client {

void HashFeed::offer(size_t block, std::string* bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (block < next_block_ || held_.size() >= max_held_ || held_.count(block) != 0) return;
  held_.emplace(block, std::move(*bytes));
  if (spares_.empty()) {
    *bytes = std::string();
  } else {
    *bytes = std::move(spares_.back());
    spares_.pop_back();
  }
}

bool HashFeed::take(size_t block, std::string* bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(block);
  if (it == held_.end()) return false;
  *bytes = std::move(it->second);
  held_.erase(it);
  return true;
}

void HashFeed::hashed_through(size_t next_block, std::string spare) {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_block > next_block_) next_block_ = next_block;
  // Whatever was kept for blocks now behind the hasher is of no use any more.
  while (!held_.empty() && held_.begin()->first < next_block_) held_.erase(held_.begin());
  if (spare.capacity() > 0 && spares_.size() < max_held_) spares_.push_back(std::move(spare));
}

size_t HashFeed::held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_.size();
}

}  // namespace peerlink::peer_client
