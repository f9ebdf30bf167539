// File system rules: where a download may be written and which files a peer may serve.
#include "common/fs/paths.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "common/fs/names.h"

namespace peerlink {
namespace {

constexpr size_t kMaxFileName = 255;

bool path_taken(const std::string& path) {
  struct stat st;
  // lstat, not stat: a dangling symlink is taken too, or we would write through it. Any error
  // (ENOENT, but also EACCES...) counts as free so the loop always ends; the caller's
  // O_CREAT | O_EXCL open then reports the real problem.
  return ::lstat(path.c_str(), &st) == 0;
}

// Shortens `s` to at most `max` bytes without leaving a partial UTF-8 sequence at the end.
void truncate_utf8(std::string* s, size_t max) {
  if (s->size() <= max) return;
  size_t cut = max;
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xc0) == 0x80; ++i)
    --cut;
  s->resize(cut);
}

}  // namespace

bool real_path(const std::string& path, std::string* out) {
  std::unique_ptr<char, decltype(&std::free)> p(::realpath(path.c_str(), nullptr), &std::free);
  if (!p) return false;
  out->assign(p.get());
  return true;
}

std::string unique_destination(const std::string& dir, const std::string& name) {
  if (!path_taken(dir + "/" + name)) return dir + "/" + name;

  const size_t dot = name.rfind('.');
  const bool split = dot != std::string::npos && dot != 0;
  const std::string stem = split ? name.substr(0, dot) : name;
  const std::string ext = split ? name.substr(dot) : std::string();
  for (unsigned long n = 1;; ++n) {
    const std::string suffix = " (" + std::to_string(n) + ")";
    std::string candidate_stem = stem;
    std::string candidate_ext = ext;
    if (candidate_ext.size() + suffix.size() >= kMaxFileName) {
      candidate_stem = name;  // absurdly long extension: treat the whole name as the stem
      candidate_ext.clear();
    }
    truncate_utf8(&candidate_stem, kMaxFileName - suffix.size() - candidate_ext.size());
    const std::string path = dir + "/" + candidate_stem + suffix + candidate_ext;
    if (!path_taken(path)) return path;
  }
}

Expected<InsidePath> look_inside(const std::string& root, std::string_view relative) {
  using Kind = InsidePath::Kind;
  if (!safe_file_name(relative)) return InsidePath{Kind::kBadName, {}, 0};
  std::string real_root;
  if (!real_path(root, &real_root))
    return Result::system("cannot open shared folder " + root, errno);
  std::string real_file;
  if (!real_path(root + "/" + std::string(relative), &real_file))
    return InsidePath{Kind::kMissing, {}, errno};
  // Containment is checked before the file type so that nothing about files outside the folder
  // (not even whether they are directories) leaks to the peer.
  const std::string prefix = real_root == "/" ? real_root : real_root + "/";
  if (real_file.compare(0, prefix.size(), prefix) != 0 || real_file.size() == prefix.size())
    return InsidePath{Kind::kOutside, {}, 0};
  struct stat st;
  if (::stat(real_file.c_str(), &st) != 0) return InsidePath{Kind::kMissing, {}, errno};
  if (!S_ISREG(st.st_mode)) return InsidePath{Kind::kNotRegular, {}, 0};
  return InsidePath{Kind::kFile, std::move(real_file), 0};
}

Expected<std::string> resolve_inside(const std::string& root, std::string_view relative) {
  Expected<InsidePath> found = look_inside(root, relative);
  if (!found) return found.result();
  switch (found->kind) {
    case InsidePath::Kind::kFile:
      return std::move(found->path);
    case InsidePath::Kind::kBadName:
      return Result::failure("bad file name");
    case InsidePath::Kind::kMissing:
      return Result::failure("no such file", found->error);
    case InsidePath::Kind::kOutside:
      return Result::failure("outside the shared folder");
    case InsidePath::Kind::kNotRegular:
      return Result::failure("not a regular file");
  }
  return Result::failure("no such file");
}

std::string base_name(std::string_view path) {
  const size_t end = path.find_last_not_of('/');
  if (end == std::string_view::npos) return std::string();
  path = path.substr(0, end + 1);
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace peerlink
