// Interned keys (file names, digests) with reference counts: each distinct key is stored once
// and known by a small integer id, which the broker's indexes hold instead of the key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace peerlink::broker {

inline constexpr uint32_t kNoId = UINT32_MAX;

// `Key` is stored in a slab of entries (ids are slab positions, reused once freed); a table of
// ids with open addressing (linear probing, backward-shift deletion, load at most 3/4) finds an
// id by its key. `View` is what lookups take (std::string_view for std::string keys); `Hash`
// hashes a View. Each entry carries a `head`: the first file of the list threaded through the
// files with that key (server/file_store.h), kNoId when none is indexed.
template <class Key, class View, class Hash>
class InternTable {
 public:
  struct Entry {
    Key key{};
    uint32_t refs = 0;  // 0: free
    uint32_t head = kNoId;
  };

  // The id of `key`, taking one reference (adding the key if new).
  uint32_t intern(View key) {
    if (slots_.empty() || (live_ + 1) * 4 > slots_.size() * 3) grow();
    size_t i = find_slot(key);
    if (slots_[i] != kNoId) {
      ++entries_[slots_[i]].refs;
      return slots_[i];
    }
    uint32_t id = allocate();
    entries_[id].key = Key(key);
    entries_[id].refs = 1;
    entries_[id].head = kNoId;
    slots_[i] = id;
    ++live_;
    return id;
  }
  // Drops one reference; the key goes when the last does.
  void release(uint32_t id) {
    Entry& e = entries_[id];
    if (--e.refs > 0) return;
    erase_slot(find_slot(View(e.key)));
    e.key = Key();
    free_.push_back(id);
    --live_;
  }
  // The id of `key`, or kNoId (no reference taken).
  uint32_t find(View key) const {
    if (slots_.empty()) return kNoId;
    return slots_[find_slot(key)];
  }
  const Key& key(uint32_t id) const { return entries_[id].key; }
  uint32_t& head(uint32_t id) { return entries_[id].head; }
  uint32_t head(uint32_t id) const { return entries_[id].head; }
  size_t size() const { return live_; }

 private:
  size_t mask() const { return slots_.size() - 1; }
  // The slot holding `key`, or the empty slot where it would go.
  size_t find_slot(View key) const {
    size_t i = Hash()(key) & mask();
    while (slots_[i] != kNoId && View(entries_[slots_[i]].key) != key) i = (i + 1) & mask();
    return i;
  }
  size_t home(uint32_t id) const { return Hash()(View(entries_[id].key)) & mask(); }
  void erase_slot(size_t hole) {
    slots_[hole] = kNoId;
    // Backward shift: move up each later entry of the run that may live in the hole.
    for (size_t j = (hole + 1) & mask(); slots_[j] != kNoId; j = (j + 1) & mask()) {
      size_t h = home(slots_[j]);
      bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
      if (!movable) continue;
      slots_[hole] = slots_[j];
      slots_[j] = kNoId;
      hole = j;
    }
  }
  uint32_t allocate() {
    if (!free_.empty()) {
      uint32_t id = free_.back();
      free_.pop_back();
      return id;
    }
    entries_.emplace_back();
    return static_cast<uint32_t>(entries_.size() - 1);
  }
  void grow() {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, kNoId);
    for (uint32_t id : old) {
      if (id == kNoId) continue;
      size_t i = home(id);
      while (slots_[i] != kNoId) i = (i + 1) & mask();
      slots_[i] = id;
    }
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> slots_;  // ids, kNoId = empty; a power of two long
  size_t live_ = 0;
};

}  // namespace peerlink::broker
