// The broker's registry: online users and the index of their shared files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/connection.h"
#include "server/file_store.h"

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
  // Which shared set is current: a fresh number for every registration and every announcement,
  // so an indexing job for a set that was since replaced stops.
  uint64_t generation = 0;
  uint32_t set = kNoId;  // its shared files in the store (set by the Registry)
  size_t file_count = 0;
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
// The same for a name not folded yet (folded into a scratch buffer first).
bool name_contains(std::string_view name, std::string_view folded_needle);

// Owns the user records; their files live in a FileStore (each file once, names and digests
// interned). Lookups by name, by file name and by hash go through its indexes; only the
// listings that must show everything (all files, substring search) walk the files. Users are
// keyed by fold_name(name): `Alice` cannot register beside `alice`, and INFO ALICE finds alice.
class Registry {
 public:
  bool contains(std::string_view name) const;
  const User* find(std::string_view name) const;
  // Adds a user with no files; false if the name is taken (in any case).
  bool add(User user);
  // Removes the user. Its files leave the indexes over the next collect() calls (lookups skip
  // them at once).
  void remove(std::string_view name);
  // Replaces the user's shared set and indexes it, all at once (for tests and small sets).
  void set_files(std::string_view name, std::vector<SharedFile> files);

  // The same in bounded steps, for the loop: replace_files() swaps the set in (the old one goes
  // to collect()) and returns its generation; index_some() then indexes up to `max_files` more
  // files of it from *cursor (a position in the set; 0 = from the start), and returns true once
  // all are indexed. Until then WHOHAS may miss the files not yet indexed.
  uint64_t replace_files(std::string_view name, FileMap files);
  bool index_some(std::string_view name, uint64_t generation, size_t* cursor, size_t max_files);
  // Removes up to `max_entries` files of replaced or removed sets; returns how many.
  size_t collect(size_t max_entries) { return store_.collect(max_entries); }
  size_t garbage() const { return store_.garbage(); }

  size_t size() const { return users_.size(); }
  // Keyed by fold_name(); the value's `name` is the spelling it registered with.
  const std::map<std::string, User, std::less<>>& users() const { return users_; }
  const FileStore& store() const { return store_; }

  // A user's files, in name order: how many are stored (all but while an announcement is being
  // indexed), the i-th, and the one named `name` (if shared).
  size_t stored_count(const User& u) const { return store_.files(u.set).size(); }
  FileInfo file_at(const User& u, size_t i) const { return store_.info(store_.files(u.set)[i]); }
  std::optional<FileInfo> find_file(const User& u, std::string_view name) const;

  // (owner, file) pairs in owner-then-name order, for all, or for names containing `needle`
  // (ASCII case-insensitive). At most `limit` results.
  using FileRef = std::pair<const User*, FileInfo>;
  std::vector<FileRef> all_files(size_t limit) const;
  std::vector<FileRef> search(std::string_view needle, size_t limit) const;
  // The walk behind both: visits files after *cursor in owner-then-name order until `visit`
  // returns false or about `budget` work units are spent (one unit per byte of file name, plus
  // kScanFileCost per file), and moves the cursor (done when the end is reached). Returns the
  // units spent. A caller bounds each loop turn with it and resumes on the next.
  static constexpr size_t kScanFileCost = 32;
  size_t scan(ScanCursor* cursor, size_t budget,
              const std::function<bool(const User&, const FileInfo&)>& visit) const;
  // Exact name or exact hash (64 hex digits) matches through the indexes: at most `limit`, not
  // `except`'s, a rotating sample when there are more (FileStore::sample_by_name).
  std::vector<FileRef> who_has(std::string_view name_or_hash, size_t limit,
                               const User* except = nullptr);
  // `u`'s file with this exact name or hash (the first in name order), if it shares one.
  std::optional<FileInfo> owner_file(const User& u, std::string_view name_or_hash) const;

 private:
  User* find_mutable(std::string_view name);

  uint64_t last_generation_ = 0;
  std::map<std::string, User, std::less<>> users_;
  FileStore store_;
};

}  // namespace peerlink::broker
