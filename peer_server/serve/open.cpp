// Opening shared files without a check/open race.
#include "peer_server/serve/open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/fs/paths.h"

namespace peerlink::peer_server {
namespace {

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

// struct open_how and the RESOLVE_* bits of <linux/openat2.h>, which older headers lack.
struct OpenHow {
  uint64_t flags;
  uint64_t mode;
  uint64_t resolve;
};
constexpr uint64_t kResolveNoSymlinks = 0x04;
constexpr uint64_t kResolveBeneath = 0x08;

// Cleared once the kernel (or a seccomp filter) says openat2 is not there. PEERLINK_NO_OPENAT2
// in the environment starts without it, so that tests exercise the walk on any kernel.
std::atomic<bool> g_have_openat2{std::getenv("PEERLINK_NO_OPENAT2") == nullptr};

bool valid_relative(std::string_view relative) {
  if (relative.empty()) return false;
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find('/', start);
    const std::string_view part = relative.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

UniqueFd walk_beneath(int dir_fd, std::string_view relative, int flags) {
  UniqueFd held;  // the current directory once we are below dir_fd
  int at = dir_fd;
  for (;;) {
    const size_t slash = relative.find('/');
    const std::string part(relative.substr(0, slash));
    if (slash == std::string_view::npos) return UniqueFd(::openat(at, part.c_str(), flags));
    // O_PATH | O_NOFOLLOW opens a symlink itself, which O_DIRECTORY then refuses (ENOTDIR).
    UniqueFd next(::openat(at, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return next;
    held = std::move(next);
    at = held.get();
    relative.remove_prefix(slash + 1);
  }
}

}  // namespace

UniqueFd open_beneath(int dir_fd, std::string_view relative, int flags) {
  if (!valid_relative(relative)) {
    errno = EINVAL;
    return UniqueFd();
  }
  flags |= O_NOFOLLOW | O_CLOEXEC;
  if (g_have_openat2.load(std::memory_order_relaxed)) {
    const std::string path(relative);
    OpenHow how{static_cast<uint64_t>(static_cast<unsigned>(flags)), 0,
                kResolveBeneath | kResolveNoSymlinks};
    const long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno != ENOSYS && errno != EPERM) return UniqueFd();
    g_have_openat2.store(false, std::memory_order_relaxed);
  }
  return walk_beneath(dir_fd, relative, flags);
}

Result ShareDir::open(const std::string& path) {
  path_ = path;
  if (!real_path(path, &real_)) return Result::system("cannot open shared folder " + path, errno);
  fd_.reset(::open(real_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat st;
  if (!fd_ || ::fstat(fd_.get(), &st) != 0) {
    const int e = errno;
    if (e == ENOTDIR) return Result::failure("shared folder " + path + " is not a folder", e);
    return Result::system("cannot open shared folder " + path, e);
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  return {};
}

bool ShareDir::still_there() const {
  UniqueFd now;
  if (real_ == "/") {
    now.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  } else {
    const UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return false;
    now = open_beneath(root.get(), std::string_view(real_).substr(1), O_PATH | O_DIRECTORY);
  }
  struct stat st;
  return now && ::fstat(now.get(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_;
}

Expected<ServedFile> ShareDir::open_file(std::string_view name) const {
  constexpr int kFlags = O_RDONLY | O_NONBLOCK;
  const Result no_such_file = Result::failure("no such file");
  const Result outside = Result::failure("outside the shared folder");
  ServedFile file;
  file.fd = open_beneath(fd_.get(), name, kFlags);
  if (!file.fd && errno == ELOOP) {
    // The name is a symlink. It may lead to a file inside the folder (the share scan announces
    // those): find where it leads now, then open that symlink-free path beneath the folder, so
    // that a link changed in between is refused rather than followed.
    std::string target;
    const std::string prefix = real_ == "/" ? real_ : real_ + "/";
    if (!real_path(real_ + "/" + std::string(name), &target)) return no_such_file;
    if (target.compare(0, prefix.size(), prefix) != 0 || target.size() == prefix.size())
      return outside;
    file.fd = open_beneath(fd_.get(), std::string_view(target).substr(prefix.size()), kFlags);
    if (!file.fd) return errno == ENOENT ? no_such_file : outside;
  } else if (!file.fd) {
    return errno == ENOTDIR || errno == EXDEV ? outside : no_such_file;
  }
  if (::fstat(file.fd.get(), &file.st) != 0) return no_such_file;
  if (!S_ISREG(file.st.st_mode)) return Result::failure("not a regular file");
  return file;
}

}  // namespace peerlink::peer_server
