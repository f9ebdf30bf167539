// A download being received: a `.part` file that becomes the final file only once verified.
#include "common/fs/part_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/base/io.h"
#include "common/fs/paths.h"

namespace peerlink {
namespace {

constexpr size_t kMaxFileName = 255;
constexpr std::string_view kPartPrefix = kSessionPartPrefix;
constexpr std::string_view kPartSuffix = kSessionPartSuffix;
constexpr int kMaxNameAttempts = 1000;  // each one lost a race with another writer
constexpr size_t kMaxEntriesScanned = 100000;

// `name` shortened (without splitting a UTF-8 sequence) so that the part name around it fits
// NAME_MAX.
std::string part_base(const std::string& name) {
  const size_t max = kMaxFileName - kPartPrefix.size() - kPartSuffix.size();
  if (name.size() <= max) return name;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;
  return name.substr(0, cut);
}

// Moves `from` to `to` unless `to` exists; errno EEXIST if it does. renameat2(RENAME_NOREPLACE)
// is atomic; file systems without it get link() + unlink(), which refuses to replace too.
int move_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

}  // namespace

Expected<std::unique_ptr<PartFile>> PartFile::create(const std::string& dir,
                                                     const std::string& name, uint64_t size,
                                                     std::string sha256) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Result::system("cannot create " + dir, errno);
  }
  std::unique_ptr<PartFile> part(new PartFile());
  part->dir_ = dir;
  part->name_ = name;
  part->size_ = size;
  part->expected_sha256_ = std::move(sha256);
  const std::string base = std::string(kPartPrefix) + part_base(name) + std::string(kPartSuffix);
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string path = attempt == 0 ? dir + "/" + base : unique_destination(dir, base);
    // O_EXCL: never open something that exists, in particular not a symlink planted there.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd) {
      // Held until the PartFile is done: remove_stale_session_parts() leaves a locked file
      // alone. Best effort: where flock() fails, that cleanup cannot lock it either.
      (void)::flock(fd.get(), LOCK_EX | LOCK_NB);
      part->fd_ = std::move(fd);
      part->part_path_ = path;
      break;
    }
    if (errno != EEXIST) return Result::system("cannot create " + path, errno);
  }
  if (!part->fd_) return Result::failure("cannot find a free name for " + base + " in " + dir);
  part->hash_ = std::make_unique<HashThread>();
  struct statvfs vfs;
  if (::fstatvfs(part->fd_.get(), &vfs) == 0) {
    const uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (avail < size) {  // the destructor removes the empty .part
      return Result::failure("not enough free space in " + dir + " (" + std::to_string(size) +
                                 " bytes needed, " + std::to_string(avail) + " free)",
                             ENOSPC);
    }
  }
  return part;
}

PartFile::~PartFile() { discard(); }

Result PartFile::append(std::string_view bytes) {
  if (done_) return Result::failure("cannot write " + part_path_ + ": already finished");
  for (std::string_view left = bytes; !left.empty();) {
    const ssize_t n = ::write(fd_.get(), left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Result::system("cannot write " + part_path_, errno);
    left.remove_prefix(static_cast<size_t>(n));
  }
  hash_->feed(bytes);
  written_ += bytes.size();
  writeback_.wrote(fd_.get(), bytes.size());
  return {};
}

Expected<std::string> PartFile::commit(std::string_view sender_sha256) {
  if (done_) return Result::failure("already finished");
  if (written_ != size_) {
    discard();
    return Result::failure("size mismatch: got " + std::to_string(written_) + " of " +
                           std::to_string(size_) + " bytes");
  }
  const std::string digest = hash_->finish();
  const bool offered_known = expected_sha256_ != std::string(expected_sha256_.size(), '\0');
  const bool any_known = offered_known || !sender_sha256.empty();
  if (!any_known || (offered_known && digest != expected_sha256_) ||
      (!sender_sha256.empty() && digest != sender_sha256)) {
    discard();
    return Result::failure("sha256 mismatch");
  }
  // The bytes must be on disk before the final name appears, or a crash could leave a file that
  // looks complete but is not.
  if (::fsync(fd_.get()) != 0) {
    const Result failed = Result::system("cannot write " + part_path_, errno);
    discard();
    return failed;
  }
  fd_.reset();
  Expected<std::string> final_path = move_into_place();
  if (!final_path) {
    discard();
    return final_path;
  }
  done_ = true;
  return final_path;
}

Expected<std::string> PartFile::move_into_place() {
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string dest = unique_destination(dir_, name_);
    const int err = move_no_replace(part_path_, dest);
    if (err == 0) {
      sync_folder(dir_);  // the new name, as durable as the bytes
      return dest;
    }
    if (err != EEXIST) {  // EEXIST: someone took the name since we looked; pick again
      return Result::system("cannot move " + part_path_ + " to " + dest, err);
    }
  }
  return Result::failure("cannot find a free name for " + name_ + " in " + dir_);
}

void PartFile::discard() {
  if (done_) return;
  done_ = true;
  hash_.reset();
  fd_.reset();
  if (!part_path_.empty()) ::unlink(part_path_.c_str());
}

bool is_session_part_name(std::string_view name) {
  return name.size() > kPartPrefix.size() + kPartSuffix.size() &&
         name.substr(0, kPartPrefix.size()) == kPartPrefix &&
         name.substr(name.size() - kPartSuffix.size()) == kPartSuffix;
}

size_t remove_stale_session_parts(const std::string& dir, std::chrono::seconds min_age) {
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return 0;  // no downloads folder yet: nothing to clean
  const int list_fd = ::fcntl(dir_fd.get(), F_DUPFD_CLOEXEC, 0);
  if (list_fd < 0) return 0;
  DIR* listing = ::fdopendir(list_fd);
  if (listing == nullptr) {
    ::close(list_fd);
    return 0;
  }
  const std::time_t newest = std::time(nullptr) - static_cast<std::time_t>(min_age.count());
  size_t removed = 0, scanned = 0;
  while (const dirent* e = ::readdir(listing)) {
    if (++scanned > kMaxEntriesScanned) break;
    const std::string name = e->d_name;
    if (!is_session_part_name(name)) continue;
    // Never through a symlink, never blocking on a FIFO someone planted under such a name.
    UniqueFd fd(
        ::openat(dir_fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) continue;
    struct stat st;
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_mtime > newest)
      continue;
    // A receiver that is alive holds the lock (PartFile::create); a killed one no longer does.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
    struct stat now;  // still the file we checked under that name?
    if (::fstatat(dir_fd.get(), name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 ||
        now.st_dev != st.st_dev || now.st_ino != st.st_ino)
      continue;
    if (::unlinkat(dir_fd.get(), name.c_str(), 0) == 0) ++removed;
  }
  ::closedir(listing);
  return removed;
}

}  // namespace peerlink
