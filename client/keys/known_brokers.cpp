// The brokers' keys this user trusts, pinned on first use.
#include "client/keys/known_brokers.h"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/crypto/fingerprint.h"
#include "common/crypto/hmac.h"
#include "common/fs/atomic_write.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

// A file this size is not one a lobby wrote (a line is under 100 bytes).
constexpr size_t kMaxFileBytes = 1 << 20;

// One line of the file: a pin, or anything else, kept as it is.
struct PinLine {
  std::string text;
  bool pin = false;
  std::string address;  // for a pin: the encoded address in lower case
  X25519Key key{};
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The address as the file holds it, and as lines are compared.
std::string address_field(std::string_view host_port) { return lower(percent_encode(host_port)); }

std::string key_hex(const X25519Key& key) { return to_hex(key.data(), key.size()); }

bool same_key(const X25519Key& a, const X25519Key& b) {
  return constant_time_equal(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()),
                             std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

PinLine parse_line(std::string_view text) {
  PinLine line;
  line.text = std::string(text);
  const std::vector<std::string_view> f = split_fields(text);
  std::string hex;
  std::string bytes;
  if (f.size() != 2 || !parse_sha256_hex(f[1], &hex) || !from_hex(hex, &bytes)) return line;
  line.pin = true;
  line.address = lower(std::string(f[0]));
  std::copy(bytes.begin(), bytes.end(), line.key.begin());
  return line;
}

Expected<std::vector<PinLine>> read_lines(const std::string& path) {
  std::vector<PinLine> lines;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd && errno == ENOENT) return lines;
  if (!fd) return Result::system("cannot read " + path, errno);
  std::string text;
  if (const Result r = read_to_end(fd.get(), kMaxFileBytes, &text); !r) {
    if (r.error() == EFBIG) {
      return Result::failure(path + ": larger than 1 MiB, not a file of pinned broker keys", EFBIG);
    }
    return r.with_context("cannot read " + path);
  }
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    lines.push_back(parse_line(rest.substr(0, end)));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return lines;
}

Result write_lines(const std::string& path, const std::vector<PinLine>& lines) {
  std::string text;
  for (const PinLine& l : lines) text += l.text + "\n";
  return write_file_atomically(path, text).with_context("cannot pin the broker's key");
}

PinLine make_pin(std::string_view host_port, const X25519Key& key) {
  PinLine line;
  line.pin = true;
  line.address = address_field(host_port);
  line.key = key;
  line.text = line.address + " " + key_hex(key);
  return line;
}

// An exclusive lock on the file's folder while a lobby reads, changes and writes the file: two
// lobbies pinning at once must not lose one pin. Best effort: where the folder cannot be locked,
// the atomic write still keeps the file whole.
class PinFolderLock {
 public:
  explicit PinFolderLock(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!fd_) return;
    while (::flock(fd_.get(), LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  // Closing the descriptor releases the lock.

 private:
  UniqueFd fd_;
};

}  // namespace

Expected<BrokerKeyCheck> KnownBrokers::check(std::string_view host_port, const X25519Key& key) {
  PinFolderLock lock(folder_of(path_));
  Expected<std::vector<PinLine>> lines = read_lines(path_);
  if (!lines.ok()) return lines.result();
  const std::string address = address_field(host_port);
  BrokerKeyCheck out;
  for (const PinLine& l : *lines) {
    if (!l.pin || l.address != address) continue;
    if (same_key(l.key, key)) {
      out.verdict = BrokerKeyCheck::Verdict::kMatch;
    } else {
      out.verdict = BrokerKeyCheck::Verdict::kChanged;
      out.pinned_fingerprint = key_fingerprint(l.key);
    }
    return out;  // the first pin of the address counts
  }
  lines->push_back(make_pin(host_port, key));
  if (const Result written = write_lines(path_, *lines); !written) return written;
  out.verdict = BrokerKeyCheck::Verdict::kNew;
  return out;
}

Result KnownBrokers::pin_fingerprint(std::string_view host_port, const X25519Key& key,
                                     std::string_view fingerprint) {
  const std::string presented = key_fingerprint(key);
  if (presented != fingerprint) {
    return Result::failure("the broker's key has fingerprint " + grouped_fingerprint(presented) +
                           ", not the " + grouped_fingerprint(fingerprint) +
                           " given with --broker-key");
  }
  PinFolderLock lock(folder_of(path_));
  Expected<std::vector<PinLine>> lines = read_lines(path_);
  if (!lines.ok()) return lines.result();
  const std::string address = address_field(host_port);
  std::vector<PinLine> kept;
  for (PinLine& l : *lines) {
    if (!l.pin || l.address != address) kept.push_back(std::move(l));
  }
  kept.push_back(make_pin(host_port, key));
  return write_lines(path_, kept);
}

Expected<bool> KnownBrokers::pinned(std::string_view host_port, X25519Key* key) const {
  Expected<std::vector<PinLine>> lines = read_lines(path_);
  if (!lines.ok()) return lines.result();
  const std::string address = address_field(host_port);
  for (const PinLine& l : *lines) {
    if (l.pin && l.address == address) {
      *key = l.key;
      return true;
    }
  }
  return false;
}

}  // namespace peerlink::lobby
