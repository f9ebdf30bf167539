// What one run of the lobby carries through a chat session.
#include "client/lobby/run_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/fs/atomic_write.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

constexpr std::string_view kMagic = "peerlink-lobby-run 1";
constexpr std::string_view kProcess = "process ";
constexpr std::string_view kTransfer = "transfer ";
constexpr const char* kFilePrefix = "lobby-run-";
constexpr size_t kMaxFileBytes = 256u << 10;  // far above what the bounds allow
constexpr time_t kStaleAfterS = 24 * 3600;

Result bad(const std::string& why) { return Result::failure("bad lobby run state: " + why); }

}  // namespace

std::string process_identity() {
  std::string pid = std::to_string(::getpid());
  // Field 22 of /proc/self/stat is the start time; the name (field 2) may hold spaces and
  // parentheses, so the fields are counted after its last ')'.
  UniqueFd fd(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
  std::string stat;
  if (!fd || !read_to_end(fd.get(), 4096, &stat).ok()) return pid + " 0";
  size_t at = stat.rfind(')');
  if (at == std::string::npos) return pid + " 0";
  std::string_view rest = std::string_view(stat).substr(at + 1);
  std::vector<std::string_view> f = split_fields(rest);  // f[0] is field 3 (the state)
  if (f.size() < 20) return pid + " 0";
  return pid + " " + std::string(f[19]);
}

std::string format_run_state(const RunState& state) {
  std::string out = std::string(kMagic) + "\n" + std::string(kProcess) + state.process + "\n";
  size_t first = state.transfers.size() > kMaxRunHistoryLines
                     ? state.transfers.size() - kMaxRunHistoryLines
                     : 0;
  for (size_t i = first; i < state.transfers.size(); ++i) {
    out += std::string(kTransfer) +
           percent_encode(std::string_view(state.transfers[i]).substr(0, kMaxRunLineBytes)) + "\n";
  }
  return out;
}

Expected<RunState> parse_run_state(std::string_view text) {
  RunState state;
  bool magic = false, process = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return bad("cut-off last line");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (!magic) {
      if (line != kMagic) return bad("not a lobby run state");
      magic = true;
    } else if (line.substr(0, kProcess.size()) == kProcess && !process) {
      state.process = std::string(line.substr(kProcess.size()));
      process = !state.process.empty();
      if (!process) return bad("empty process line");
    } else if (line.substr(0, kTransfer.size()) == kTransfer && process) {
      std::string decoded;
      if (!percent_decode(line.substr(kTransfer.size()), &decoded)) return bad("bad escape");
      if (decoded.size() > kMaxRunLineBytes) return bad("a transfer line is too long");
      if (state.transfers.size() >= kMaxRunHistoryLines) return bad("too many transfer lines");
      state.transfers.push_back(std::move(decoded));
    } else {
      return bad("unexpected line");
    }
  }
  if (!process) return bad("no process line");
  return state;
}

std::string run_state_path(const std::string& dir) {
  return dir + "/" + kFilePrefix + std::to_string(::getpid());
}

Result save_run_state(const std::string& dir, const RunState& state) {
  return write_file_atomically(run_state_path(dir), format_run_state(state));
}

Result remove_run_state(const std::string& dir) {
  const std::string path = run_state_path(dir);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Result::system("cannot remove " + path, errno);
  return Result();
}

Expected<std::optional<RunState>> take_run_state(const std::string& dir) {
  // Files of runs whose lobby never came back (the peer program exited): a day old, they go.
  if (DIR* d = ::opendir(dir.c_str()); d != nullptr) {
    const time_t now = std::time(nullptr);
    const std::string own = std::string(kFilePrefix) + std::to_string(::getpid());
    size_t seen = 0;
    while (const dirent* e = ::readdir(d)) {
      if (++seen > 10000) break;  // bounded, whatever the folder holds
      std::string_view name = e->d_name;
      if (name.substr(0, std::strlen(kFilePrefix)) != kFilePrefix || name == own) continue;
      struct stat st {};
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          now - st.st_mtime > kStaleAfterS) {
        ::unlinkat(::dirfd(d), e->d_name, 0);
      }
    }
    ::closedir(d);
  }
  const std::string path = run_state_path(dir);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT) return std::optional<RunState>();
    const int err = errno;
    ::unlink(path.c_str());
    return Result::system("cannot open " + path, err);
  }
  std::string text;
  struct stat st {};
  Result read = ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()
                    ? bad("not a regular file of ours")
                    : read_to_end(fd.get(), kMaxFileBytes, &text);
  ::unlink(path.c_str());  // taken: a later exec writes a new one
  if (!read.ok()) return read.with_context(path);
  Expected<RunState> state = parse_run_state(text);
  if (!state) return state.result().with_context(path);
  if (state->process != process_identity()) return std::optional<RunState>();  // a reused PID
  return std::optional<RunState>(std::move(*state));
}

}  // namespace peerlink::lobby
