// The resume state of a download.
#include "peer_client/fetch/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/base/numbers.h"
#include "common/crypto/sha256.h"
#include "common/fs/names.h"
#include "common/wire/line_codec.h"

namespace peerlink::peer_client {
namespace {

constexpr std::string_view kMagic = "peerlink-fetch-state 1";
constexpr uint64_t kMaxBlockBytes = uint64_t{1} << 30;
// A state file is a few lines plus one bit per block: even a terabyte file at 1 MiB blocks stays
// far below this, so anything larger is not ours.
constexpr size_t kMaxStateBytes = 1u << 20;

// Takes the next '\n'-terminated line off `text` if it starts with `key` and a space, storing the
// rest in *value.
bool take_line(std::string_view* text, std::string_view key, std::string_view* value) {
  const size_t nl = text->find('\n');
  if (nl == std::string_view::npos) return false;
  const std::string_view line = text->substr(0, nl);
  text->remove_prefix(nl + 1);
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ')
    return false;
  *value = line.substr(key.size() + 1);
  return true;
}

}  // namespace

std::string format_fetch_state(const FetchState& state) {
  std::string body;
  body.append(kMagic).push_back('\n');
  body.append("name ").append(percent_encode(state.name)).push_back('\n');
  body.append("size ").append(std::to_string(state.blocks.file_size())).push_back('\n');
  body.append("sha256 ").append(state.sha256).push_back('\n');
  body.append("block ").append(std::to_string(state.blocks.block_size())).push_back('\n');
  body.append("done ").append(state.blocks.to_hex()).push_back('\n');
  const std::string check = sha256_hex(body);  // over the lines above only
  body.append("check ").append(check).push_back('\n');
  return body;
}

bool parse_fetch_state(std::string_view text, FetchState* out) {
  if (text.size() > kMaxStateBytes) return false;
  // Every field is percent-encoded or a number, so "\ncheck " can only be the last line.
  const size_t check_at = text.rfind("\ncheck ");
  if (check_at == std::string_view::npos) return false;
  const std::string_view body = text.substr(0, check_at + 1);
  std::string_view rest = text.substr(check_at + 1);
  std::string_view check;
  if (!take_line(&rest, "check", &check) || !rest.empty() || check != sha256_hex(body))
    return false;

  std::string_view cursor = body;
  const size_t nl = cursor.find('\n');
  if (nl == std::string_view::npos || cursor.substr(0, nl) != kMagic) return false;
  cursor.remove_prefix(nl + 1);
  std::string_view name, size, sha, block, done;
  if (!take_line(&cursor, "name", &name) || !take_line(&cursor, "size", &size) ||
      !take_line(&cursor, "sha256", &sha) || !take_line(&cursor, "block", &block) ||
      !take_line(&cursor, "done", &done) || !cursor.empty())
    return false;

  FetchState s;
  uint64_t file_size = 0, block_size = 0;
  // The name is always a sanitized local name; anything else (control bytes, a '/') is not ours.
  if (!percent_decode(name, &s.name) || !safe_file_name(s.name)) return false;
  if (!parse_u64(size, &file_size) || !parse_u64(block, &block_size)) return false;
  if (block_size == 0 || block_size > kMaxBlockBytes) return false;
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return false;
  s.sha256.assign(sha);
  // The claimed size is checked against the bitmap actually present before anything is sized
  // from it: a few bytes claiming 2^62 blocks must not allocate them.
  const uint64_t count = block_count(file_size, block_size);
  if (count > kMaxBlockMapBlocks) return false;
  if (count == 0 ? done != "-" : done.size() != 2 * ((count + 7) / 8)) return false;
  s.blocks = BlockMap(file_size, block_size);
  if (!s.blocks.from_hex(done)) return false;
  *out = std::move(s);
  return true;
}

Result save_fetch_state(const std::string& path, const FetchState& state) {
  const std::string text = format_fetch_state(state);
  // Per process, so that two writers racing on the same file never share a temporary one; a
  // fresh file, never one someone placed under that name (O_EXCL after the unlink).
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return Result::system("cannot write " + tmp, errno);
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t w = ::write(fd.get(), p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const Result failed = Result::system("cannot write " + tmp, errno);
      ::unlink(tmp.c_str());
      return failed;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const Result renamed = Result::system("cannot rename " + tmp, errno);
    ::unlink(tmp.c_str());
    return renamed;
  }
  return {};
}

StateLoad load_fetch_state(const std::string& path, FetchState* out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return errno == ENOENT ? StateLoad::kMissing : StateLoad::kCorrupt;
  std::string text;
  if (!read_to_end(fd.get(), kMaxStateBytes, &text).ok()) return StateLoad::kCorrupt;
  return parse_fetch_state(text, out) ? StateLoad::kOk : StateLoad::kCorrupt;
}

}  // namespace peerlink::peer_client
