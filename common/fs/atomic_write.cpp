// Replacing a small file atomically, and cleaning up after killed writers.
#include "common/fs/atomic_write.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/fs/paths.h"

namespace peerlink {
namespace {

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void remove_stale_temp_files(const std::string& path) {
  const std::string dir = folder_of(path);
  const std::string prefix = base_name(path) + ".tmp";
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
  if (!d) return;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = name.substr(prefix.size());
    long pid = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || pid <= 0) continue;
    // Only a writer that is gone: a live one may be about to rename its file.
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      ::unlink((dir + "/" + std::string(name)).c_str());
  }
}

Result write_file_atomically(const std::string& path, std::string_view data) {
  remove_stale_temp_files(path);
  // Per process, so that two writers racing on the same file never share a temporary one.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  // A fresh file: never one that someone placed under our temporary name (O_EXCL).
  ::unlink(tmp.c_str());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return Result::system("cannot write " + tmp, errno);
  const Result w = send_all(fd.get(), data.data(), data.size());
  fd.reset();
  if (!w.ok()) {
    ::unlink(tmp.c_str());
    return w.with_context("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Result renamed = Result::system("cannot rename " + tmp, errno);
    ::unlink(tmp.c_str());
    return renamed;
  }
  return {};
}

}  // namespace peerlink
