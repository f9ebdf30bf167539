// The broker's store of shared files: every announced file once, in 40 bytes plus its interned
// name and digest, with the indexes by name, by digest and by owner as integer ids.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/connection.h"
#include "server/intern_table.h"

namespace peerlink::broker {

struct User;

// A SHA-256 digest as its 32 bytes.
struct Digest {
  std::array<char, 32> bytes{};
  Digest() = default;
  explicit Digest(std::string_view raw) {  // 32 bytes
    std::memcpy(bytes.data(), raw.data(), std::min(raw.size(), bytes.size()));
  }
  operator std::string_view() const { return {bytes.data(), bytes.size()}; }
  std::string hex() const;  // 64 lower-case hex digits
};

// One file as callers see it (valid until the store changes).
struct FileInfo {
  const std::string* name = nullptr;
  uint64_t size = 0;
  const Digest* sha256 = nullptr;
  SharedFile copy() const { return SharedFile{*name, size, sha256->hex()}; }
};

using FileMap = std::map<std::string, SharedFile>;

// Owns files, names, digests and sets (one user's shared files, sorted by name). Each file is
// threaded on two circular doubly-linked lists of file ids: the files with its name and the
// files with its digest, whose heads the interned entries hold. WHOHAS walks a list from its
// head, and the head moves past what it returned, so repeated lookups rotate over the owners
// without ever walking all of them.
class FileStore {
 public:
  // Adds a set for `owner` (O(1): its files wait as announced); returns its id.
  uint32_t add_set(const User* owner, FileMap files);
  // Stores and indexes up to `max_files` more files of the set (interned, in name order); true
  // once all are. *cursor counts the files done.
  bool index_some(uint32_t set, size_t* cursor, size_t max_files);
  // The set no longer counts (lookups skip it at once); its files leave through collect().
  void retire(uint32_t set);
  // Removes up to `max_files` files of retired sets; returns how many.
  size_t collect(size_t max_files);
  size_t garbage() const { return garbage_; }

  // The set's files stored so far (all, once index_some() said so), in name order.
  const std::vector<uint32_t>& files(uint32_t set) const { return sets_[set].files; }
  FileInfo info(uint32_t file) const;
  // The position of `name` in the set, or SIZE_MAX; the first position after `name`.
  size_t find(uint32_t set, std::string_view name) const;
  size_t upper_bound(uint32_t set, std::string_view name) const;

  // Up to `limit` files of live sets other than `except`'s with this name (or digest), as
  // (owner, file), starting at the list's head; the head then moves past the last one returned.
  // At most kMaxWalk files are looked at.
  using Hit = std::pair<const User*, FileInfo>;
  std::vector<Hit> sample_by_name(std::string_view name, size_t limit, const User* except);
  std::vector<Hit> sample_by_digest(const Digest& d, size_t limit, const User* except);
  static constexpr size_t kMaxWalk = 4096;

  size_t file_count() const { return files_.size() - free_files_.size(); }
  size_t name_count() const { return names_.size(); }
  size_t digest_count() const { return digests_.size(); }

  // One file: 40 bytes (public for the list helpers in file_store.cpp only).
  struct File {
    uint64_t size = 0;
    uint32_t name = kNoId;
    uint32_t digest = kNoId;
    uint32_t set = kNoId;
    uint32_t name_prev = kNoId, name_next = kNoId;  // kNoId: not indexed
    uint32_t digest_prev = kNoId, digest_next = kNoId;
  };

 private:
  struct Set {
    const User* owner = nullptr;  // null: retired or free
    std::vector<uint32_t> files;
    FileMap waiting;  // announced, not stored yet
  };
  using Names = InternTable<std::string, std::string_view, std::hash<std::string_view>>;
  using Digests = InternTable<Digest, std::string_view, std::hash<std::string_view>>;

  uint32_t new_file();
  void link(uint32_t file);
  void unlink(uint32_t file);
  void free_file(uint32_t file);
  // Walks the list of name (by_name) or digest from `head` (advanced): see sample_by_name.
  std::vector<Hit> sample(uint32_t* head, bool by_name, size_t limit, const User* except);

  std::vector<File> files_;
  std::vector<uint32_t> free_files_;
  std::vector<Set> sets_;
  std::vector<uint32_t> free_sets_;
  std::deque<uint32_t> graveyard_;  // retired sets whose files are still there
  size_t garbage_ = 0;
  Names names_;
  Digests digests_;
};

}  // namespace peerlink::broker
