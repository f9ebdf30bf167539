// A static key pair kept in a file, created atomically and mode 0600.
#include "common/fs/key_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/fs/atomic_write.h"
#include "common/fs/private_dir.h"

namespace peerlink {
namespace {

constexpr std::string_view kHeader = kKeyFileHeader;
constexpr size_t kKeyDigits = 2 * kX25519Bytes;
constexpr size_t kFileBytes = kHeader.size() + kKeyDigits + 1;  // with the final '\n'

// Clears secret bytes in a way the compiler may not drop as a dead store.
void wipe(void* data, size_t len) { ::explicit_bzero(data, len); }

// A stack buffer that is wiped when it goes out of scope.
template <size_t N>
struct WipedBuffer {
  char bytes[N] = {};
  ~WipedBuffer() { wipe(bytes, N); }
};

// 1 if a < b, else 0, for a and b below 2^16, without a branch.
uint32_t less_than(uint32_t a, uint32_t b) { return ((a - b) >> 31) & 1u; }

// The hex digit of `v` (0..15), lower case, without a branch or a table indexed by the secret.
char hex_digit(uint32_t v) {
  return static_cast<char>('0' + v + less_than(9, v) * static_cast<uint32_t>('a' - '0' - 10));
}

// The value of the hex digit `c` (either case); *bad gets 1 when `c` is not one. No branch and no
// table on `c`: these are the private key's digits.
uint32_t hex_value(unsigned char c, uint32_t* bad) {
  const uint32_t digit = less_than(c, '9' + 1) & (1u - less_than(c, '0'));
  const uint32_t low = c | 0x20u;  // 'A'..'F' -> 'a'..'f'
  const uint32_t letter = less_than(low, 'f' + 1) & (1u - less_than(low, 'a'));
  *bad |= 1u ^ (digit | letter);
  return digit * (c - uint32_t{'0'}) + letter * (low - uint32_t{'a'} + 10u);
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result not_a_key_file(const std::string& path) {
  return Result::failure(path + ": not a peerlink key file");
}

// Parses the contents of a key file; false unless they are exactly the format.
bool parse_key_text(std::string_view text, X25519Key* private_key) {
  if (text.size() != kFileBytes && text.size() != kFileBytes - 1) return false;
  if (text.substr(0, kHeader.size()) != kHeader) return false;
  if (text.size() == kFileBytes && text.back() != '\n') return false;
  const std::string_view digits = text.substr(kHeader.size(), kKeyDigits);
  uint32_t bad = 0;
  for (size_t i = 0; i < kX25519Bytes; ++i) {
    const uint32_t hi = hex_value(static_cast<unsigned char>(digits[2 * i]), &bad);
    const uint32_t lo = hex_value(static_cast<unsigned char>(digits[2 * i + 1]), &bad);
    (*private_key)[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return bad == 0;
}

// The file's text for `private_key`, into `out` (kFileBytes bytes).
void format_key_text(const X25519Key& private_key, char* out) {
  std::memcpy(out, kHeader.data(), kHeader.size());
  char* p = out + kHeader.size();
  for (const uint8_t b : private_key) {
    *p++ = hex_digit(b >> 4);
    *p++ = hex_digit(b & 0x0fu);
  }
  *p = '\n';
}

// Creating a key file: renaming is not enough (it replaces), so the complete temporary file is
// hard-linked to the final name, which fails with EEXIST when another creator got there first.
// Where the file system has no hard links, a rename that refuses to replace does the same.
int publish(const std::string& tmp, const std::string& path) {
  if (::link(tmp.c_str(), path.c_str()) == 0) return 0;
  int err = errno;
  if (err == EPERM || err == EOPNOTSUPP || err == ENOSYS) {
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return 0;
    err = errno;
  }
  return err;
}

// Best effort: the new name survives a power cut once its folder is on disk.
void sync_folder(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) (void)::fsync(fd.get());
}

// The outcome of one attempt to create the file.
enum class Created { kYes, kLost };

Expected<Created> create_key_file(const std::string& path, X25519KeyPair* pair) {
  const std::string dir = folder_of(path);
  if (const Result made = make_private_dirs(dir); !made) {
    return made.with_context("cannot create key file " + path);
  }
  // The temporary name is per process (so stale ones of dead processes can be recognised and
  // removed); the threads of one process take turns.
  static std::mutex creating;
  std::lock_guard<std::mutex> lock(creating);
  remove_stale_temp_files(path);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return Result::system("cannot create key file " + tmp, errno);
  auto fail = [&tmp](Result why) {
    ::unlink(tmp.c_str());
    return why.with_context("cannot create key file " + tmp);
  };
  // Exactly 0600, whatever the umask took away.
  if (::fchmod(fd.get(), 0600) != 0) return fail(Result::system("fchmod", errno));
  *pair = x25519_generate();
  {
    WipedBuffer<kFileBytes> text;
    format_key_text(pair->private_key, text.bytes);
    if (Result w = send_all(fd.get(), text.bytes, kFileBytes); !w) return fail(w);
  }
  if (::fsync(fd.get()) != 0) return fail(Result::system("fsync", errno));
  if (::close(fd.release()) != 0) return fail(Result::system("close", errno));
  const int err = publish(tmp, path);
  ::unlink(tmp.c_str());
  if (err == EEXIST) {
    wipe(pair, sizeof *pair);
    return Created::kLost;
  }
  if (err != 0) return Result::system("cannot create key file " + path, err);
  sync_folder(dir);
  return Created::kYes;
}

}  // namespace

Expected<X25519KeyPair> load_key_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO put in its place must not hang; fstat then refuses it.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return Result::system("cannot read key file " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Result::system("cannot read key file " + path, errno);
  if (!S_ISREG(st.st_mode)) return Result::failure(path + ": not a regular file");
  if ((st.st_mode & 0077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Result::failure(path + ": mode " + mode +
                           " lets other users at the private key; fix it with: chmod 600 " + path);
  }
  // One byte more than a key file holds, to tell a longer file from a key file.
  WipedBuffer<kFileBytes + 1> text;
  size_t got = 0;
  while (got < sizeof text.bytes) {
    const ssize_t n = ::read(fd.get(), text.bytes + got, sizeof text.bytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Result::system("cannot read key file " + path, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  X25519Key private_key{};
  const bool parsed = parse_key_text(std::string_view(text.bytes, got), &private_key);
  if (!parsed) {
    wipe(private_key.data(), private_key.size());
    return not_a_key_file(path);
  }
  Expected<X25519KeyPair> pair(x25519_from_private(private_key));
  wipe(private_key.data(), private_key.size());
  return pair;
}

Expected<X25519KeyPair> load_or_create_key_file(const std::string& path, bool* created) {
  if (created != nullptr) *created = false;
  Expected<X25519KeyPair> loaded = load_key_file(path);
  if (loaded.ok() || loaded.error() != ENOENT) return loaded;
  X25519KeyPair pair;
  Expected<Created> made = create_key_file(path, &pair);
  if (!made.ok()) return made.result();
  if (*made == Created::kLost) return load_key_file(path);  // the winner's key
  if (created != nullptr) *created = true;
  Expected<X25519KeyPair> out(pair);
  wipe(&pair, sizeof pair);
  return out;
}

}  // namespace peerlink
