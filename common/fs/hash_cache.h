// The hash cache of a shared folder: SHA-256 digests remembered by (name, size, mtime), kept in
// the hidden file `.peerlink-hashes` inside the folder so that a restart does not rehash. Written
// by the lobby's scan; read by the session sender too, which offers a shared file with its digest.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace peerlink {

// The cache file's name inside the shared folder. It starts with '.', so the scan never shares it.
inline constexpr const char* kHashCacheFile = ".peerlink-hashes";

// A plain value; not thread-safe.
class HashCache {
 public:
  struct Entry {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    std::string sha256;  // 64 lower-case hex digits
    bool operator==(const Entry&) const = default;
  };

  // True, with *sha256 set, if `name` was hashed at exactly this size and mtime.
  bool lookup(const std::string& name, uint64_t size, int64_t mtime_ns, std::string* sha256) const;
  void put(const std::string& name, const Entry& entry) { entries_[name] = entry; }
  const std::map<std::string, Entry>& entries() const { return entries_; }
  bool operator==(const HashCache&) const = default;

  // Text form, sorted by name:
  //   peerlink-hashes 1
  //   <sha256-hex> <size> <mtime-ns> <percent-encoded name>     (one line per file)
  std::string format() const;
  // Strict: any malformed line makes the whole text invalid (false, *out untouched), because a
  // cache that is partly wrong cannot be trusted for the rest either.
  static bool parse(std::string_view text, HashCache* out);

 private:
  std::map<std::string, Entry> entries_;
};

// Loads `dir`/.peerlink-hashes. A missing, unreadable or corrupt cache gives an empty one.
HashCache load_hash_cache(const std::string& dir);

// Writes `dir`/.peerlink-hashes atomically (temporary file + rename). Fails if the folder is not
// writable; the caller carries on without a cache.
Result save_hash_cache(const std::string& dir, const HashCache& cache);

}  // namespace peerlink
