// The broker's registry: online users and the index of their shared files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/connection.h"

namespace peerlink {

struct User {
  std::string name;
  std::string ip;
  uint16_t port = 0;
  std::string ticket_key;  // 64 hex characters, used as text as the HMAC key
  uint64_t conn_id = 0;
  std::map<std::string, SharedFile> files;  // by file name, so listings come out sorted
};

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
  // Removes the user and all its files from every index.
  void remove(std::string_view name);
  // Replaces the user's shared set.
  void set_files(std::string_view name, std::vector<SharedFile> files);

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
  // Exact name or exact hash (64 hex digits) matches, through the indexes.
  std::vector<FileRef> who_has(std::string_view name_or_hash, size_t limit) const;

 private:
  void index_files(const User& u);
  void unindex_files(const User& u);

  std::map<std::string, User, std::less<>> users_;
  // file name -> owners; sha256 -> (owner, file name)
  std::unordered_map<std::string, std::set<std::string>> by_name_;
  std::unordered_map<std::string, std::set<std::pair<std::string, std::string>>> by_hash_;
};

}  // namespace peerlink
