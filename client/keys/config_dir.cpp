// The lobby's configuration folder.
#include "client/keys/config_dir.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "common/fs/private_dir.h"

namespace peerlink::lobby {
namespace {

constexpr char kFolder[] = "peerlink";

// The environment variable `name` when it holds an absolute path.
const char* absolute_env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] == '/' ? v : nullptr;
}

}  // namespace

Expected<std::string> config_dir_path() {
  if (const char* xdg = absolute_env("XDG_CONFIG_HOME")) return std::string(xdg) + "/" + kFolder;
  std::string home;
  if (const char* h = absolute_env("HOME")) {
    home = h;
  } else if (const passwd* pw = ::getpwuid(::getuid());
             pw != nullptr && pw->pw_dir != nullptr && pw->pw_dir[0] == '/') {
    home = pw->pw_dir;
  } else {
    return Result::failure("cannot find the configuration folder: set HOME or XDG_CONFIG_HOME");
  }
  return home + "/.config/" + kFolder;
}

Expected<std::string> config_dir() {
  Expected<std::string> path = config_dir_path();
  if (!path.ok()) return path;
  if (const Result made = make_private_dirs(*path); !made) return made;
  return path;
}

}  // namespace peerlink::lobby
