// The broker's registry: online users and the index of their shared files.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/connection.h"

namespace peerlink::broker {

struct User {
  std::string name;
  std::string ip;
  uint16_t port = 0;
  std::string ticket_key;  // 64 hex characters, used as text as the HMAC key
  // The user's static public key, 64 lower-case hex digits: the Noise key of its connection, or
  // on a plaintext connection (teaching mode) the one it claimed, unverified; "" if none.
  std::string key;
  bool key_verified = false;  // `key` is the connection's Noise key (and the name is bound to it)
  uint64_t conn_id = 0;
  // Which shared set `files` is: a fresh number for every registration and every announcement,
  // so index entries of a set that was replaced or removed (still being cleaned up) can never
  // be taken for entries of the current one.
  uint64_t generation = 0;
  std::map<std::string, SharedFile> files;  // by file name, so listings come out sorted
};

using FileMap = std::map<std::string, SharedFile>;

// "Alice" -> "alice": user names are unique and looked up ignoring ASCII case (they are ASCII
// by valid_user_name()), and shown as registered.
std::string fold_name(std::string_view name);

// Where a resumable walk over every shared file stopped: after file `file` of the user keyed
// `user_key`. Keys, not pointers, so it stays valid while users come and go between turns.
struct ScanCursor {
  bool started = false;
  bool done = false;
  std::string user_key;
  std::string file;
};

// True if `folded_needle` occurs in `folded_hay` (both already fold_name()d); linear time.
bool contains_folded(std::string_view folded_hay, std::string_view folded_needle);

// Owns the user records. Lookups by name, by file name and by hash go through indexes;
// only the listings that must show everything (all files, substring search) walk the files.
// Users are keyed by fold_name(name): `Alice` cannot register beside `alice`, and INFO ALICE
// finds alice.
class Registry {
 public:
  bool contains(std::string_view name) const;
  const User* find(std::string_view name) const;
  // Adds a user; false if the name is taken (in any case).
  bool add(User user);
  // Removes the user. Its files leave the indexes over the next collect() calls (lookups skip
  // them at once).
  void remove(std::string_view name);
  // Replaces the user's shared set and indexes it, all at once (for tests and small sets).
  void set_files(std::string_view name, std::vector<SharedFile> files);

  // The same in bounded steps, for the loop: replace_files() swaps the set in (O(1); the old one
  // goes to collect()) and returns its generation; index_some() then indexes up to `max_files`
  // more files of it after *cursor (a file name; empty = from the start), and returns true once
  // all are indexed. Until then WHOHAS may miss the files not yet indexed.
  uint64_t replace_files(std::string_view name, FileMap files);
  bool index_some(std::string_view name, uint64_t generation, std::string* cursor,
                  size_t max_files);
  // Removes up to `max_entries` index entries of replaced or removed sets; returns how many.
  size_t collect(size_t max_entries);
  size_t garbage() const { return garbage_files_; }

  size_t size() const { return users_.size(); }
  // Keyed by fold_name(); the value's `name` is the spelling it registered with.
  const std::map<std::string, User, std::less<>>& users() const { return users_; }

  // (owner, file) pairs in owner-then-name order, for one user, for all, or for names containing
  // `needle` (ASCII case-insensitive). At most `limit` results.
  using FileRef = std::pair<const User*, const SharedFile*>;
  std::vector<FileRef> all_files(size_t limit) const;
  std::vector<FileRef> search(std::string_view needle, size_t limit) const;
  // The walk behind both: visits files after *cursor in owner-then-name order until `visit`
  // returns false or about `budget` work units are spent (one unit per byte of file name, plus
  // kScanFileCost per file), and moves the cursor (done when the end is reached). Returns the
  // units spent. A caller bounds each loop turn with it and resumes on the next.
  static constexpr size_t kScanFileCost = 32;
  size_t scan(ScanCursor* cursor, size_t budget,
              const std::function<bool(const User&, const SharedFile&)>& visit) const;
  // Exact name or exact hash (64 hex digits) matches, through the indexes, in the order the
  // shared sets were announced.
  std::vector<FileRef> who_has(std::string_view name_or_hash, size_t limit) const;

 private:
  void index_file(uint64_t generation, const SharedFile& f);
  void unindex_file(uint64_t generation, const SharedFile& f);
  void retire(User* u);  // its set goes to the graveyard, its generation is forgotten

  uint64_t last_generation_ = 0;
  std::map<std::string, User, std::less<>> users_;
  std::unordered_map<uint64_t, std::string> by_generation_;  // current sets -> user key
  // file name -> generations; sha256 -> (generation, file name)
  std::unordered_map<std::string, std::set<uint64_t>> by_name_;
  std::unordered_map<std::string, std::set<std::pair<uint64_t, std::string>>> by_hash_;
  // Replaced and removed sets whose index entries are still to be removed.
  std::deque<std::pair<uint64_t, FileMap>> graveyard_;
  size_t garbage_files_ = 0;
};

}  // namespace peerlink::broker
