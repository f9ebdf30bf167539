// The SHA-256 of a file being sent, when the shared folder's hash cache already knows it.
#include "common/session/share_digest.h"

#include <cstdint>

#include "common/base/hex.h"
#include "common/fs/hash_cache.h"
#include "common/fs/paths.h"

namespace peerlink {
namespace {

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

std::string cached_share_digest(const std::string& share_dir, const std::string& path,
                                const struct stat& st) {
  if (share_dir.empty()) return "";
  std::string share, file;
  if (!real_path(share_dir, &share) || !real_path(path, &file)) return "";
  const size_t slash = file.rfind('/');
  if (slash == std::string::npos || file.substr(0, slash) != share)
    return "";  // not directly in it
  // The lobby's cache (common/fs/hash_cache.h): read here, never written.
  const HashCache cache = load_hash_cache(share);
  std::string hex, raw;
  if (!cache.lookup(file.substr(slash + 1), static_cast<uint64_t>(st.st_size), mtime_ns(st),
                    &hex) ||
      !from_hex(hex, &raw))
    return "";
  return raw;
}

}  // namespace peerlink
