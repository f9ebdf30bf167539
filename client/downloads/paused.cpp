// The downloads a chat session paused: the `.peerlink-paused-USER` file.
#include "client/downloads/paused.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/base/numbers.h"
#include "common/fs/atomic_write.h"
#include "common/fs/names.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

constexpr std::string_view kMagic = "peerlink-paused 1";
// kMaxPausedDownloads lines of at most ~870 bytes (a 255-byte name percent-encoded) fit well.
constexpr size_t kMaxPausedBytes = 1u << 20;

std::string path_in(const std::string& dir, std::string_view user) {
  return dir + "/" + paused_file_name(user);
}

Result reject(std::string reason) { return Result::failure(std::move(reason)); }

}  // namespace

std::string paused_file_name(std::string_view user) {
  return kPausedFilePrefix + std::string(user);
}

std::string format_paused(const PausedDownloads& paused) {
  std::string out;
  out.append(kMagic).push_back('\n');
  out.append(LineWriter("user").field(paused.user).str());
  for (const PausedDownload& d : paused.downloads) {
    out.append(LineWriter("download").num(d.size).word(d.sha256).field(d.name).str());
  }
  return out;
}

Expected<PausedDownloads> parse_paused(std::string_view text) {
  if (text.size() > kMaxPausedBytes) return reject("larger than 1 MiB");
  PausedDownloads paused;
  std::set<std::string> names;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    // Written whole and renamed into place: a line without its '\n' was cut off or planted.
    if (nl == std::string_view::npos) return reject("its last line is cut off");
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    const std::string where = "line " + std::to_string(++line_no) + ": ";
    if (line_no == 1) {
      if (line != kMagic) return reject("not a peerlink pause file (or another version)");
      continue;
    }
    const std::vector<std::string_view> f = split_fields(line);
    if (line_no == 2) {
      std::string user;
      if (f.size() != 2 || f[0] != "user" || !percent_decode(f[1], &user) ||
          !valid_user_name(user)) {
        return reject(where + "expected user NAME");
      }
      paused.user = std::move(user);
      continue;
    }
    if (f.size() != 4 || f[0] != "download") {
      return reject(where + "expected download SIZE SHA256 NAME");
    }
    PausedDownload d;
    if (!parse_u64(f[1], &d.size)) return reject(where + "bad size");
    if (!parse_sha256_hex(f[2], &d.sha256)) return reject(where + "bad sha256");
    // Only what the lobby itself writes: a local name, usable as is for NAME.part.
    if (!percent_decode(f[3], &d.name) || !safe_file_name(d.name) ||
        sanitize_file_name(d.name) != d.name) {
      return reject(where + "bad file name");
    }
    if (!names.insert(d.name).second) return reject(where + "a file listed twice");
    if (paused.downloads.size() == kMaxPausedDownloads) {
      return reject("more than " + std::to_string(kMaxPausedDownloads) + " downloads");
    }
    paused.downloads.push_back(std::move(d));
  }
  if (line_no < 2) return reject(line_no == 0 ? "empty" : "no user line");
  return paused;
}

Expected<std::optional<PausedDownloads>> load_paused_file(const std::string& dir,
                                                          const std::string& user) {
  const std::string path = path_in(dir, user);
  // O_NONBLOCK: a FIFO planted under the name must not hang the lobby in open() or read().
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT) return std::optional<PausedDownloads>();
    return reject(errno == ELOOP ? "it is a symbolic link"
                                 : std::string("cannot open it: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return reject("not a regular file");
  // In a folder others can write to, a list planted by someone else must not make us download.
  if (st.st_uid != ::geteuid()) {
    return reject("it belongs to another user (uid " + std::to_string(st.st_uid) + ")");
  }
  std::string text;
  const Result r = read_to_end(fd.get(), kMaxPausedBytes, &text);
  if (!r.ok()) {
    return reject(r.error() == EFBIG ? "larger than 1 MiB" : "cannot read it: " + r.message());
  }
  Expected<PausedDownloads> paused = parse_paused(text);
  if (!paused) return paused.result();
  if (paused->user != user) {  // copied or renamed by hand: not this user's downloads
    return reject("it lists downloads of " + paused->user);
  }
  return std::optional<PausedDownloads>(std::move(*paused));
}

Result save_paused_file(const std::string& dir, const PausedDownloads& paused) {
  // The temporary file (".peerlink-paused-USER.tmp<pid>") is hidden too.
  return write_file_atomically(path_in(dir, paused.user), format_paused(paused));
}

Result remove_paused_file(const std::string& dir, const std::string& user) {
  const std::string path = path_in(dir, user);
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return {};
  return Result::system("cannot remove " + path, errno);
}

}  // namespace peerlink::lobby
