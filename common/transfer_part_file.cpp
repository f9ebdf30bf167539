// A download being received: a `.part` file that becomes the final file only once verified.
#include "common/transfer_part_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/io.h"
#include "common/paths.h"

namespace peerlink {
namespace {

constexpr size_t kMaxFileName = 255;
constexpr char kPartSuffix[] = ".part";
constexpr int kMaxNameAttempts = 1000;  // each one lost a race with another writer

std::string errno_text(int err) { return std::strerror(err); }

// `name` shortened (without splitting a UTF-8 sequence) so that `name + ".part"` fits NAME_MAX.
std::string part_base(const std::string& name) {
  const size_t max = kMaxFileName - (sizeof kPartSuffix - 1);
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

std::unique_ptr<PartFile> PartFile::create(const std::string& dir, const std::string& name,
                                           uint64_t size, std::string sha256, std::string* error) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *error = "cannot create " + dir + ": " + errno_text(errno);
    return nullptr;
  }
  std::unique_ptr<PartFile> part(new PartFile());
  part->dir_ = dir;
  part->name_ = name;
  part->size_ = size;
  part->expected_sha256_ = std::move(sha256);
  const std::string base = part_base(name) + kPartSuffix;
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string path = attempt == 0 ? dir + "/" + base : unique_destination(dir, base);
    // O_EXCL: never open something that exists, in particular not a symlink planted there.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd) {
      part->fd_ = std::move(fd);
      part->part_path_ = path;
      break;
    }
    if (errno != EEXIST) {
      *error = "cannot create " + path + ": " + errno_text(errno);
      return nullptr;
    }
  }
  if (!part->fd_) {
    *error = "cannot find a free name for " + base + " in " + dir;
    return nullptr;
  }
  struct statvfs vfs;
  if (::fstatvfs(part->fd_.get(), &vfs) == 0) {
    const uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (avail < size) {
      *error = "not enough free space in " + dir + " (" + std::to_string(size) + " bytes needed, " +
               std::to_string(avail) + " free)";
      return nullptr;  // the destructor removes the empty .part
    }
  }
  return part;
}

PartFile::~PartFile() { discard(); }

bool PartFile::append(std::string_view bytes, std::string* error) {
  const IoResult r = send_all(fd_.get(), bytes.data(), bytes.size());
  if (!r.ok()) {
    *error = "cannot write " + part_path_ + ": " + r.message();
    return false;
  }
  hash_.update(bytes);
  written_ += bytes.size();
  writeback_.wrote(fd_.get(), bytes.size());
  return true;
}

bool PartFile::commit(std::string* final_path, std::string* error) {
  if (done_) {
    *error = "already finished";
    return false;
  }
  if (written_ != size_) {
    *error = "size mismatch: got " + std::to_string(written_) + " of " + std::to_string(size_) +
             " bytes";
    discard();
    return false;
  }
  const Sha256::Digest digest = hash_.finish();
  if (std::string(digest.begin(), digest.end()) != expected_sha256_) {
    *error = "sha256 mismatch";
    discard();
    return false;
  }
  // The bytes must be on disk before the final name appears, or a crash could leave a file that
  // looks complete but is not.
  if (::fsync(fd_.get()) != 0) {
    *error = "cannot write " + part_path_ + ": " + errno_text(errno);
    discard();
    return false;
  }
  fd_.reset();
  if (!move_into_place(final_path, error)) {
    discard();
    return false;
  }
  done_ = true;
  return true;
}

bool PartFile::move_into_place(std::string* final_path, std::string* error) {
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string dest = unique_destination(dir_, name_);
    const int err = move_no_replace(part_path_, dest);
    if (err == 0) {
      *final_path = dest;
      sync_folder(dir_);  // the new name, as durable as the bytes
      return true;
    }
    if (err != EEXIST) {  // EEXIST: someone took the name since we looked; pick again
      *error = "cannot move " + part_path_ + " to " + dest + ": " + errno_text(err);
      return false;
    }
  }
  *error = "cannot find a free name for " + name_ + " in " + dir_;
  return false;
}

void PartFile::discard() {
  if (done_) return;
  done_ = true;
  fd_.reset();
  if (!part_path_.empty()) ::unlink(part_path_.c_str());
}

}  // namespace peerlink
