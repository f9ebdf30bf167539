// A file being sent: opened once, checked to be a regular file, hashed, then read in chunks.
#include "common/session/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/fs/paths.h"
#include "common/net/net.h"

namespace peerlink {
namespace {

constexpr size_t kHashChunk = 256 * 1024;

}  // namespace

Expected<std::unique_ptr<SourceFile>> SourceFile::open(const std::string& path,
                                                       const std::atomic<bool>* cancel,
                                                       const HashProgress& progress) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return Result::system("cannot open " + path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Result::system("cannot open " + path, errno);
  if (!S_ISREG(st.st_mode)) return Result::failure(path + " is not a regular file");
  set_nonblocking(fd.get(), false);

  std::unique_ptr<SourceFile> src(new SourceFile());
  src->path_ = path;
  src->name_ = base_name(path);
  src->fd_ = std::move(fd);
  src->size_ = static_cast<uint64_t>(st.st_size);

  // Heap buffer: the input thread's stack is no place for 256 KiB.
  std::vector<unsigned char> chunk(kHashChunk);
  Sha256 hash;
  uint64_t offset = 0;
  if (progress) progress(*src, 0);
  for (;;) {
    if (cancel != nullptr && cancel->load()) return Result::cancelled();
    const Expected<size_t> n = src->read_at(offset, chunk.data(), chunk.size());
    if (!n) return n.result();
    if (*n == 0) break;
    hash.update(chunk.data(), *n);
    offset += *n;
    if (progress) progress(*src, offset);
  }
  if (offset != src->size_) return Result::failure(path + " changed while it was being read");
  const Sha256::Digest digest = hash.finish();
  src->sha256_.assign(digest.begin(), digest.end());
  return src;
}

Expected<size_t> SourceFile::read_at(uint64_t offset, void* buf, size_t len) const {
  for (;;) {
    const ssize_t n = ::pread(fd_.get(), buf, len, static_cast<off_t>(offset));
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return Result::system("cannot read " + path_, errno);
  }
}

}  // namespace peerlink
