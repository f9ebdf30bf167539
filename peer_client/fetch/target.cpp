// Where a download lands: NAME.part, its resume state, and the final checked rename.
#include "peer_client/fetch/target.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "common/crypto/sha256.h"
#include "common/fs/atomic_write.h"
#include "common/fs/paths.h"
#include "peer_client/fetch/state.h"

namespace peerlink::peer_client {
namespace {

// NAME_MAX, less what ".NAME.part.state" adds around the name.
constexpr size_t kMaxPartBase = 255 - 12;

// The name the .part and state files are derived from: NAME, cut (at a UTF-8 boundary) so that
// ".NAME.part.state" still fits in a file name.
std::string part_base(const std::string& name) {
  if (name.size() <= kMaxPartBase) return name;
  size_t cut = kMaxPartBase;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xc0) == 0x80) --cut;
  return name.substr(0, cut);
}

// "WHAT: strerror(errno)", for the system call that just failed.
Result errno_failure(const std::string& what) { return Result::system(what, errno); }

// Moves `from` to `to` unless `to` exists. False with errno EEXIST if it does.
bool rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
  // A file system without RENAME_NOREPLACE: link() refuses an existing name just the same.
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

}  // namespace

Result FetchTarget::room_for(uint64_t bytes) const {
  struct statvfs vfs;
  if (::statvfs(dir_.c_str(), &vfs) != 0) return {};  // cannot tell: the writes will say
  const uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (avail >= bytes) return {};
  return Result::failure("not enough free space in " + dir_ + " (" + std::to_string(bytes) +
                         " bytes needed, " + std::to_string(avail) + " free)");
}

FetchTarget::FetchTarget(std::string dir, std::string name, uint64_t size, std::string sha256,
                         uint64_t block_size)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      sha256_(std::move(sha256)),
      size_(size),
      block_size_(block_size) {
  const std::string base = part_base(name_);
  part_path_ = dir_ + "/" + base + ".part";
  state_path_ = dir_ + "/." + base + ".part.state";
}

Expected<FetchTarget::Prepared> FetchTarget::prepare() {
  // The announced size is the owner's word: bounded before the block map is sized from it.
  if (size_ > kMaxFetchFileBytes || block_count(size_, block_size_) > kMaxBlockMapBlocks) {
    return Result::failure("the announced size (" + std::to_string(size_) +
                           " bytes) is over the limit of " + std::to_string(kMaxFetchFileBytes) +
                           " bytes");
  }
  if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
    return errno_failure("cannot create " + dir_);
  remove_stale_temp_files(state_path_);  // once: save() no longer scans the folder
  FetchState state;
  const StateLoad loaded = load_fetch_state(state_path_, &state);

  part_.reset(::open(part_path_.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (!part_ && errno != ENOENT) return errno_failure("cannot open " + part_path_);
  const Result locked_elsewhere =
      Result::failure(part_path_ + " is being downloaded by another process", EWOULDBLOCK);
  Prepared prepared;
  if (!part_) {
    // A new download: the space is checked before anything is created, so a download that cannot
    // fit leaves nothing behind. The state goes first, so that a .part never exists without one.
    if (Result room = room_for(size_); !room) return room;
    prepared.blocks = BlockMap(size_, block_size_);
    if (Result saved = save(prepared.blocks); !saved) return saved;
    part_.reset(
        ::open(part_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!part_) {
      if (errno == EEXIST) {
        return Result::failure(part_path_ + " appeared meanwhile: is another fetch running?",
                               EEXIST);
      }
      return errno_failure("cannot create " + part_path_);
    }
    if (::flock(part_.get(), LOCK_EX | LOCK_NB) != 0) return locked_elsewhere;
    if (::ftruncate(part_.get(), static_cast<off_t>(size_)) != 0)
      return errno_failure("cannot size " + part_path_);
    return prepared;
  }

  if (loaded == StateLoad::kMissing) {
    part_.reset();
    return Result::failure(part_path_ +
                           " exists but is not a download in progress; move it away to download " +
                           name_);
  }
  // Lock before touching anything: another fetch of this file may be writing it right now.
  if (::flock(part_.get(), LOCK_EX | LOCK_NB) != 0) return locked_elsewhere;
  struct stat st;
  if (::fstat(part_.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return Result::failure(part_path_ + " is not a regular file");
  const bool matches = loaded == StateLoad::kOk && state.name == name_ && state.sha256 == sha256_ &&
                       state.blocks.file_size() == size_ &&
                       state.blocks.block_size() == block_size_ &&
                       static_cast<uint64_t>(st.st_size) == size_;
  if (!matches) {
    if (Result room = room_for(size_); !room) return room;
    Expected<BlockMap> empty = start_over();
    if (!empty) return empty.result();
    prepared.blocks = std::move(*empty);
    return prepared;
  }
  // The missing blocks may still need their space (the .part is sparse where they go).
  if (Result room = room_for(size_ - state.blocks.done_bytes()); !room) return room;
  prepared.blocks = std::move(state.blocks);
  prepared.resumed = true;
  return prepared;
}

Expected<BlockMap> FetchTarget::start_over() {
  if (::ftruncate(part_.get(), 0) != 0 ||
      ::ftruncate(part_.get(), static_cast<off_t>(size_)) != 0) {
    return errno_failure("cannot reset " + part_path_);
  }
  BlockMap blocks(size_, block_size_);
  if (Result saved = save(blocks); !saved) return saved;
  return blocks;
}

Result FetchTarget::write(uint64_t offset, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::pwrite(part_.get(), data, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return errno_failure("cannot write " + part_path_);
    writeback_.wrote(part_.get(), static_cast<size_t>(w));
    data += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return {};
}

Result FetchTarget::save(const BlockMap& blocks) {
  std::lock_guard<std::mutex> lock(save_mu_);
  last_save_ = std::chrono::steady_clock::now();
  return save_fetch_state(state_path_, FetchState{name_, sha256_, blocks});
}

bool FetchTarget::save_due() {
  std::lock_guard<std::mutex> lock(save_mu_);
  return std::chrono::steady_clock::now() - last_save_ >= std::chrono::milliseconds(kSaveEveryMs);
}

Result FetchTarget::hash_range(Sha256* hash, uint64_t from, uint64_t to) const {
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  while (from < to) {
    const size_t want = to - from < kChunk ? static_cast<size_t>(to - from) : kChunk;
    const ssize_t n = ::pread(part_.get(), buf.get(), want, static_cast<off_t>(from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_failure("cannot read " + part_path_);
    if (n == 0) return Result::failure(part_path_ + " is too short");
    hash->update(buf.get(), static_cast<size_t>(n));
    from += static_cast<uint64_t>(n);
  }
  return {};
}

Expected<std::string> FetchTarget::finish(const std::string& part_sha256) {
  if (part_sha256 != sha256_) {
    // The .part goes first: a state file without its .part is harmless, the reverse is not.
    ::unlink(part_path_.c_str());
    ::unlink(state_path_.c_str());
    remove_stale_temp_files(state_path_);
    return Result::failure(kMismatchMessage, kMismatch);
  }
  // The bytes must be on disk before the final name appears, or a crash could leave a file that
  // looks complete but is not. The .part and its state stay for a retry.
  if (::fsync(part_.get()) != 0) return errno_failure("cannot write " + part_path_);
  // unique_destination() only looks; another process may take the name before the rename, so
  // pick again on EEXIST.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string dest = unique_destination(dir_, name_);
    if (rename_no_replace(part_path_, dest)) {
      sync_folder(dir_);  // the new name, as durable as the bytes
      ::unlink(state_path_.c_str());
      remove_stale_temp_files(state_path_);  // left by an earlier attempt that was killed
      return dest;
    }
    if (errno != EEXIST) return errno_failure("cannot move " + part_path_ + " to " + dest);
  }
  return Result::failure("cannot find a free name for " + name_ + " in " + dir_);
}

}  // namespace peerlink::peer_client
