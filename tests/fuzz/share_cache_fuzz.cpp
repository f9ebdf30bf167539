// Fuzz target: the shared folder's hash cache file (.peerlink-hashes, client/sharing/cache.*).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/fs/hash_cache.h"
#include "common/fs/names.h"

using namespace peerlink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // The file has no check line; to get past the magic line more often, every other input is
  // given one (the first byte picks).
  std::string text(in);
  if (size > 0 && (data[0] & 1) != 0) text = "peerlink-hashes 1\n" + text.substr(1);

  HashCache cache;
  HashCache::Entry sentinel{1, 2, std::string(64, 'a')};
  cache.put("sentinel", sentinel);
  const HashCache before = cache;
  if (!HashCache::parse(text, &cache)) {
    if (!(cache == before)) std::abort();  // a failed parse leaves the target untouched
    return 0;
  }
  for (const auto& [name, e] : cache.entries()) {
    if (name.empty()) std::abort();
    if (e.sha256.size() != 64 ||
        e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      std::abort();
    std::string sha;
    if (!cache.lookup(name, e.size, e.mtime_ns, &sha) || sha != e.sha256) std::abort();
  }
  // Round trip: what format() writes parses back to the same cache, and formats the same again.
  const std::string formatted = cache.format();
  HashCache again;
  if (!HashCache::parse(formatted, &again)) std::abort();
  if (!(again == cache)) std::abort();
  if (again.format() != formatted) std::abort();
  // One line per entry, plus the magic line: nothing a name holds can split a line.
  size_t lines = 0;
  for (const char c : formatted) lines += c == '\n';
  if (lines != cache.entries().size() + 1) std::abort();
  return 0;
}
