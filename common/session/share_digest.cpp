// The SHA-256 of a file being sent, when the shared folder's hash cache already knows it.
#include "common/session/share_digest.h"

#include <fcntl.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/base/numbers.h"
#include "common/fs/paths.h"
#include "common/wire/line_codec.h"

namespace peerlink {
namespace {

// The lobby's cache (client/sharing/cache.h): read here, never written.
constexpr const char* kCacheFile = ".peerlink-hashes";
constexpr std::string_view kMagic = "peerlink-hashes 1";
constexpr size_t kMaxCacheBytes = 16u << 20;

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The digest of `name` at this size and mtime in the cache text, as 32 raw bytes; "" if none.
std::string find_entry(std::string_view text, const std::string& name, uint64_t size,
                       int64_t mtime) {
  const size_t first_nl = text.find('\n');
  if (first_nl == std::string_view::npos || text.substr(0, first_nl) != kMagic) return "";
  text.remove_prefix(first_nl + 1);
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return "";  // cut off: not a cache the lobby finished
    const std::vector<std::string_view> f = split_fields(text.substr(0, nl));
    text.remove_prefix(nl + 1);
    std::string entry_name, raw;
    uint64_t entry_size = 0;
    int64_t entry_mtime = 0;
    if (f.size() != 4 || !percent_decode(f[3], &entry_name) || entry_name != name) continue;
    if (!is_sha256_hex(f[0]) || !parse_decimal(f[1], &entry_size) ||
        !parse_decimal(f[2], &entry_mtime) || !from_hex(f[0], &raw))
      return "";
    return entry_size == size && entry_mtime == mtime ? raw : "";
  }
  return "";
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
  const std::string name = file.substr(slash + 1);
  UniqueFd fd(::open((share + "/" + kCacheFile).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return "";
  std::string text;
  if (!read_to_end(fd.get(), kMaxCacheBytes, &text).ok()) return "";
  return find_entry(text, name, static_cast<uint64_t>(st.st_size), mtime_ns(st));
}

}  // namespace peerlink
