// Shared-folder scan.
#include "client/sharing/scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <memory>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/result.h"
#include "common/crypto/sha256.h"
#include "common/fs/hash_cache.h"
#include "common/fs/names.h"
#include "common/fs/paths.h"

namespace peerlink::lobby {
namespace {

// A file whose mtime is this close to now may still be written within the same timestamp tick,
// which would change its bytes without changing (size, mtime); its hash is not cached.
constexpr int64_t kRacyMtimeNs = 2'000'000'000;

struct Candidate {
  std::string name;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Stats `name` in the shared folder and decides whether it is shared. Symlinks count only when
// they resolve to a regular file inside the folder; size and mtime are then the target's. What
// is left out is counted in *skipped (if not null).
bool stat_candidate(const std::string& dir, int dir_fd, const std::string& name, Candidate* out,
                    SkipCounts* skipped) {
  SkipCounts ignored;
  SkipCounts& skip = skipped != nullptr ? *skipped : ignored;
  if (name == "." || name == ".." || name.rfind(".peerlink-", 0) == 0) return false;  // ours
  if (!safe_file_name(name)) {  // also skips hidden names
    ++(name[0] == '.' ? skip.hidden : skip.bad_names);
    return false;
  }
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    ++skip.unreadable;
    return false;
  }
  if (S_ISLNK(st.st_mode)) {
    const Expected<std::string> resolved = resolve_inside(dir, name);
    if (!resolved || ::stat(resolved->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      ++skip.symlinks;
      return false;
    }
  }
  if (S_ISDIR(st.st_mode)) {
    ++skip.subfolders;
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    ++skip.special;
    return false;
  }
  out->name = name;
  out->size = static_cast<uint64_t>(st.st_size);
  out->mtime_ns = mtime_ns_of(st);
  return true;
}

Expected<UniqueFd> open_folder(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Result::system("cannot open shared folder " + dir, errno);
  return fd;
}

// The shared candidates of the folder `dir` (open as `dir_fd`), sorted by name; a failure if it
// cannot be listed.
Expected<std::vector<Candidate>> list_candidates(const std::string& dir, int dir_fd,
                                                 SkipCounts* skipped) {
  const auto cannot_read = [&dir] {
    return Result::system("cannot read shared folder " + dir, errno);
  };
  // readdir needs a DIR* of its own: fdopendir takes over a duplicate, closedir closes it.
  std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0)),
                                        &::closedir);
  if (!d) return cannot_read();
  std::vector<Candidate> list;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(d.get());
    if (e == nullptr) {
      if (errno != 0) return cannot_read();
      break;
    }
    Candidate c;
    if (stat_candidate(dir, dir_fd, e->d_name, &c, skipped)) list.push_back(std::move(c));
  }
  std::sort(list.begin(), list.end(),
            [](const Candidate& a, const Candidate& b) { return a.name < b.name; });
  return list;
}

std::string fingerprint_of(const std::vector<Candidate>& list) {
  Sha256 h;
  for (const Candidate& c : list) {
    // '\0' cannot occur in a name, so the encoding is unambiguous.
    h.update(c.name);
    const std::string numbers =
        '\0' + std::to_string(c.size) + '\0' + std::to_string(c.mtime_ns) + '\n';
    h.update(numbers);
  }
  const Sha256::Digest d = h.finish();
  return to_hex(d.data(), d.size());
}

}  // namespace

std::string skipped_summary(const SkipCounts& s) {
  if (s.total() == 0) return "";
  std::string parts;
  const auto add = [&parts](size_t n, const char* one, const char* many) {
    if (n == 0) return;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(n) + " " + (n == 1 ? one : many);
  };
  add(s.hidden, "hidden", "hidden");
  add(s.subfolders, "subfolder", "subfolders");
  add(s.symlinks, "symlink", "symlinks");
  add(s.unreadable, "unreadable", "unreadable");
  add(s.special, "special file", "special files");
  add(s.bad_names, "bad name", "bad names");
  return "skipped " + std::to_string(s.total()) + " (" + parts + ")";
}

ShareScan scan_shared_folder(const std::string& dir) {
  ShareScan scan;
  const Expected<UniqueFd> dir_fd = open_folder(dir);
  if (!dir_fd) {
    scan.error = dir_fd.message();
    return scan;
  }
  const Expected<std::vector<Candidate>> listed =
      list_candidates(dir, dir_fd->get(), &scan.skipped);
  if (!listed) {
    scan.error = listed.message();
    return scan;
  }
  const std::vector<Candidate>& list = *listed;
  scan.ok = true;
  scan.fingerprint = fingerprint_of(list);

  const HashCache old_cache = load_hash_cache(dir);
  HashCache new_cache;
  const int64_t racy_after = now_ns() - kRacyMtimeNs;
  for (const Candidate& c : list) {
    ShareEntry entry{c.name, c.size, {}};
    if (old_cache.lookup(c.name, c.size, c.mtime_ns, &entry.sha256)) {
      new_cache.put(c.name, {c.size, c.mtime_ns, entry.sha256});
      scan.files.push_back(std::move(entry));
      continue;
    }
    Expected<std::string> hashed = sha256_file(dir + "/" + c.name);
    if (!hashed) {
      scan.warnings.push_back("skipped " + c.name + ": " + hashed.message());
      ++scan.skipped.unreadable;
      continue;
    }
    entry.sha256 = std::move(*hashed);
    ++scan.hashed;
    // The digest belongs to (size, mtime) only if the file did not change while it was read.
    Candidate after;
    if (!stat_candidate(dir, dir_fd->get(), c.name, &after, nullptr) || after.size != c.size ||
        after.mtime_ns != c.mtime_ns) {
      scan.warnings.push_back("skipped " + c.name + ": it changed while being hashed");
      ++scan.skipped.unreadable;
      continue;
    }
    if (c.mtime_ns < racy_after) new_cache.put(c.name, {c.size, c.mtime_ns, entry.sha256});
    scan.files.push_back(std::move(entry));
  }
  if (!(new_cache == old_cache)) {
    const Result saved = save_hash_cache(dir, new_cache);
    if (!saved) scan.warnings.push_back(saved.message());
  }
  return scan;
}

std::string share_fingerprint(const std::string& dir) {
  const Expected<UniqueFd> dir_fd = open_folder(dir);
  if (!dir_fd) return std::string();
  const Expected<std::vector<Candidate>> listed = list_candidates(dir, dir_fd->get(), nullptr);
  return listed ? fingerprint_of(*listed) : std::string();
}

}  // namespace peerlink::lobby
