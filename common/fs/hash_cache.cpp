// The hash cache of a shared folder.
#include "common/fs/hash_cache.h"
#include "common/base/numbers.h"

#include <fcntl.h>

#include <charconv>
#include <utility>
#include <vector>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/fs/atomic_write.h"
#include "common/wire/line_codec.h"

namespace peerlink {
namespace {

constexpr std::string_view kMagic = "peerlink-hashes 1";
// Far more than 10000 files' worth of lines (the broker's per-user limit); a bigger file is junk.
constexpr size_t kMaxCacheBytes = 16u << 20;

// Stricter than is_sha256_hex: the cache holds only what this code wrote, always lower case, so
// anything else means the file is not ours.
bool is_cached_sha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

bool HashCache::lookup(const std::string& name, uint64_t size, int64_t mtime_ns,
                       std::string* sha256) const {
  const auto it = entries_.find(name);
  if (it == entries_.end() || it->second.size != size || it->second.mtime_ns != mtime_ns)
    return false;
  *sha256 = it->second.sha256;
  return true;
}

std::string HashCache::format() const {
  std::string out;
  out.append(kMagic).push_back('\n');
  for (const auto& [name, e] : entries_) {
    LineWriter w(e.sha256);
    w.num(e.size).word(std::to_string(e.mtime_ns)).field(name);
    out.append(w.str());
  }
  return out;
}

bool HashCache::parse(std::string_view text, HashCache* out) {
  if (text.size() > kMaxCacheBytes) return false;
  const size_t first_nl = text.find('\n');
  if (first_nl == std::string_view::npos || text.substr(0, first_nl) != kMagic) return false;
  text.remove_prefix(first_nl + 1);
  HashCache cache;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // a cut-off last line: not written by us
    const std::vector<std::string_view> f = split_fields(text.substr(0, nl));
    text.remove_prefix(nl + 1);
    if (f.size() != 4 || !is_cached_sha256(f[0])) return false;
    Entry e;
    e.sha256.assign(f[0]);
    std::string name;
    if (!parse_decimal(f[1], &e.size) || !parse_decimal(f[2], &e.mtime_ns) ||
        !percent_decode(f[3], &name) || name.empty()) {
      return false;
    }
    cache.entries_[name] = std::move(e);
  }
  *out = std::move(cache);
  return true;
}

HashCache load_hash_cache(const std::string& dir) {
  HashCache cache;
  const std::string path = dir + "/" + kHashCacheFile;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return cache;
  std::string text;
  if (!read_to_end(fd.get(), kMaxCacheBytes, &text).ok()) return cache;
  HashCache::parse(text, &cache);
  return cache;
}

Result save_hash_cache(const std::string& dir, const HashCache& cache) {
  // The temporary file starts with '.' like the cache itself, so a scan never shares it.
  return write_file_atomically(dir + "/" + kHashCacheFile, cache.format());
}

}  // namespace peerlink
