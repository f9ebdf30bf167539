// Folders that hold secrets, created mode 0700.
#include "common/fs/private_dir.h"

#include <sys/stat.h>

#include <cerrno>

namespace peerlink {
namespace {

Result make_one(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return {};
  const int err = errno;
  // Whatever mkdir said (EEXIST, or EACCES/EROFS for a folder we may not write in), a folder
  // that is there is fine. stat, not lstat: a symlink to a folder is a folder (~/.config often
  // is one).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Result::system("cannot create folder " + path, err);
  if (!S_ISDIR(st.st_mode)) return Result::failure(path + " is not a folder", ENOTDIR);
  return {};
}

}  // namespace

Result make_private_dirs(const std::string& path) {
  if (path.empty()) return Result::failure("no folder name");
  // Every prefix ending before a '/', then the whole path; "" (the root) and repeated slashes
  // are skipped.
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (path[slash - 1] == '/') continue;
    if (const Result made = make_one(path.substr(0, slash)); !made) return made;
  }
  if (path.back() == '/') return {};
  return make_one(path);
}

}  // namespace peerlink
