// Which shared file `send PATH USER...` means.
#include "client/sharing/send_path.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include "common/fs/names.h"
#include "common/fs/paths.h"

namespace peerlink::lobby {
namespace {

namespace fs = std::filesystem;

bool exists_no_follow(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

SendPath resolve_send_path(const std::string& share, const std::string& typed) {
  SendPath out;
  if (typed.empty()) return out;
  std::string path = typed;
  // "~/x" is $HOME/x: what is typed in the lobby never goes through a shell.
  const char* home = std::getenv("HOME");
  if (home != nullptr && typed.rfind("~/", 0) == 0) path = home + typed.substr(1);
  if (typed.find('/') == std::string::npos && exists_no_follow(share + "/" + typed)) {
    path = share + "/" + typed;
  }
  if (!exists_no_follow(path)) return out;  // kMissing

  // The folder that holds the file, with its symlinks resolved; the file's own name as given
  // (a symlink inside the shared folder is shared under its own name).
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec).lexically_normal();
  if (ec) return out;
  if (!p.has_filename()) p = p.parent_path();
  out.name = p.filename().string();
  std::string parent;
  if (!real_path(p.parent_path().string(), &parent)) return out;
  if (parent != share) {
    const std::string prefix = share == "/" ? share : share + "/";
    out.status = parent.compare(0, prefix.size(), prefix) == 0 ? SendPath::Status::kSubfolder
                                                               : SendPath::Status::kOutside;
    return out;
  }
  if (!safe_file_name(out.name)) {
    out.status = SendPath::Status::kHidden;
    return out;
  }
  const Expected<InsidePath> found = look_inside(share, out.name);
  if (!found) return out;  // kMissing
  switch (found->kind) {
    case InsidePath::Kind::kFile:
      out.status = SendPath::Status::kShared;
      break;
    case InsidePath::Kind::kOutside:
      out.status = SendPath::Status::kOutside;
      break;
    case InsidePath::Kind::kNotRegular:
      out.status = SendPath::Status::kNotRegular;
      break;
    case InsidePath::Kind::kBadName:  // safe_file_name() was checked above
    case InsidePath::Kind::kMissing:  // a dangling symlink
      break;
  }
  return out;
}

}  // namespace peerlink::lobby
