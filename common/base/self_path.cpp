// Where this program's own executable lives.
#include "common/base/self_path.h"

#include <limits.h>
#include <unistd.h>

namespace peerlink {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string sibling_program(const std::string& program) { return self_dir() + "/" + program; }

}  // namespace peerlink
