// The broker's name-to-key bindings and their state file.
#include "server/name_keys.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <utility>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/base/numbers.h"
#include "common/crypto/hmac.h"
#include "common/fs/atomic_write.h"
#include "common/fs/names.h"
#include "common/wire/line_codec.h"
#include "server/registry.h"

namespace peerlink::broker {
namespace {

constexpr std::string_view kHeader = "peerlink names 1";
constexpr std::string_view kHeaderWord = "peerlink names ";
// Times in the file: 0 .. 10^18 (19 digits at most), so that no difference overflows.
constexpr int64_t kMaxTime = 1'000'000'000'000'000'000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

bool same_key(const X25519Key& a, const X25519Key& b) {
  return constant_time_equal(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()),
                             std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

int64_t saturating_add(int64_t a, int64_t b) {
  if (b > 0 && a > kNever - b) return kNever;
  return a + b;
}

// One line of the file, or false.
bool parse_line(std::string_view line, std::string* name, NameKeys::Binding* b) {
  const std::vector<std::string_view> f = split_fields(line);
  if (f.size() != 3) return false;
  std::string decoded;
  if (!percent_decode(f[0], &decoded) || !valid_user_name(decoded)) return false;
  std::string hex;
  std::string bytes;
  if (!parse_sha256_hex(f[1], &hex) || !from_hex(hex, &bytes)) return false;
  int64_t seen = 0;
  if (!parse_decimal<int64_t>(f[2], &seen, 0, kMaxTime)) return false;
  *name = fold_name(decoded);
  std::copy(bytes.begin(), bytes.end(), b->key.begin());
  b->last_seen = seen;
  return true;
}

}  // namespace

NameKeys::NameKeys(std::string path, int64_t expiry_seconds, size_t max_bindings)
    : path_(std::move(path)),
      expiry_(std::max<int64_t>(expiry_seconds, 1)),
      max_bindings_(max_bindings),
      next_expiry_(kNever) {}

bool NameKeys::expired(const Binding& b, int64_t now) const {
  // In unsigned arithmetic the difference cannot overflow; a last seen in the future (the clock
  // was set back) is not expired.
  return now > b.last_seen && static_cast<uint64_t>(now) - static_cast<uint64_t>(b.last_seen) >=
                                  static_cast<uint64_t>(expiry_);
}

void NameKeys::drop_expired(int64_t now) {
  if (now < next_expiry_) return;
  int64_t oldest = kNever;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    if (expired(it->second, now)) {
      it = bindings_.erase(it);
      dirty_ = true;
    } else {
      oldest = std::min(oldest, it->second.last_seen);
      ++it;
    }
  }
  next_expiry_ = oldest == kNever ? kNever : saturating_add(oldest, expiry_);
}

NameKeys::Claim NameKeys::claim(std::string_view name, const X25519Key& key, int64_t now) {
  now = std::clamp<int64_t>(now, 0, kMaxTime);  // what the file can hold
  const std::string folded = fold_name(name);
  auto it = bindings_.find(folded);
  if (it != bindings_.end()) {
    Binding& b = it->second;
    if (same_key(b.key, key)) {
      if (now > b.last_seen) {
        b.last_seen = now;
        dirty_ = true;
      }
      return Claim::kSame;
    }
    if (!expired(b, now)) return Claim::kTaken;
    b.key = key;
    b.last_seen = now;
    next_expiry_ = std::min(next_expiry_, saturating_add(now, expiry_));
    dirty_ = true;
    return Claim::kBound;
  }
  if (bindings_.size() >= max_bindings_) {
    drop_expired(now);
    if (bindings_.size() >= max_bindings_) return Claim::kFull;
  }
  bindings_.emplace(folded, Binding{key, now});
  next_expiry_ = std::min(next_expiry_, saturating_add(now, expiry_));
  dirty_ = true;
  return Claim::kBound;
}

void NameKeys::touch(std::string_view name, int64_t now) {
  now = std::clamp<int64_t>(now, 0, kMaxTime);
  auto it = bindings_.find(fold_name(name));
  if (it == bindings_.end() || now <= it->second.last_seen) return;
  it->second.last_seen = now;
  dirty_ = true;
}

bool NameKeys::release(std::string_view name) {
  auto it = bindings_.find(fold_name(name));
  if (it == bindings_.end()) return false;
  bindings_.erase(it);
  dirty_ = true;
  return true;
}

const NameKeys::Binding* NameKeys::find(std::string_view name) const {
  auto it = bindings_.find(fold_name(name));
  return it == bindings_.end() ? nullptr : &it->second;
}

size_t NameKeys::max_file_bytes() const {
  return kHeader.size() + 1 + max_bindings_ * kMaxLineBytes;
}

Expected<NameKeys::LoadReport> NameKeys::load_text(std::string_view text) {
  bindings_.clear();
  dirty_ = false;
  next_expiry_ = kNever;
  LoadReport report;
  if (text.empty()) return report;  // as if missing
  const size_t first_end = std::min(text.find('\n'), text.size());
  const std::string_view header = text.substr(0, first_end);
  if (header != kHeader) {
    uint32_t version = 0;
    if (header.substr(0, kHeaderWord.size()) == kHeaderWord &&
        parse_decimal<uint32_t>(header.substr(kHeaderWord.size()), &version)) {
      return Result::failure("a peerlink names file of another version (" +
                             std::string(kHeaderWord) + std::to_string(version) +
                             "), this broker reads " + std::string(kHeader));
    }
    return Result::failure("not a peerlink names file");
  }
  text.remove_prefix(std::min(first_end + 1, text.size()));
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty()) continue;
    std::string name;
    Binding b;
    if (!parse_line(line, &name, &b) || bindings_.size() >= max_bindings_ ||
        !bindings_.emplace(std::move(name), b).second) {
      ++report.bad_lines;
      continue;
    }
    next_expiry_ = std::min(next_expiry_, saturating_add(b.last_seen, expiry_));
  }
  report.bindings = bindings_.size();
  return report;
}

Expected<NameKeys::LoadReport> NameKeys::load() {
  bindings_.clear();
  dirty_ = false;
  next_expiry_ = kNever;
  if (path_.empty()) return LoadReport{};
  UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd && errno == ENOENT) return LoadReport{};
  if (!fd) return Result::system("cannot read " + path_, errno);
  std::string text;
  const size_t max = max_file_bytes();
  if (const Result r = read_to_end(fd.get(), max, &text); !r) {
    if (r.error() == EFBIG) {
      return Result::failure(path_ + ": larger than " + std::to_string(max) + " bytes, more than " +
                                 std::to_string(max_bindings_) +
                                 " bindings take: not a names file this broker wrote",
                             EFBIG);
    }
    return r.with_context("cannot read " + path_);
  }
  Expected<LoadReport> report = load_text(text);
  if (!report.ok()) return report.result().with_context(path_);
  return report;
}

std::string NameKeys::text() const {
  std::string out(kHeader);
  out.push_back('\n');
  for (const auto& [name, b] : bindings_) {
    out += LineWriter(percent_encode(name))
               .word(to_hex(b.key.data(), b.key.size()))
               .word(std::to_string(b.last_seen))
               .str();
  }
  return out;
}

Result NameKeys::save() {
  if (!path_.empty()) {
    if (const Result written = write_file_atomically(path_, text()); !written) return written;
  }
  dirty_ = false;
  return {};
}

}  // namespace peerlink::broker
