// A file being sent: opened once, checked to be a regular file, then read in chunks.
#include "common/session/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs/paths.h"
#include "common/net/net.h"
#include "common/session/share_digest.h"
#include "common/wire/transfer_codec.h"

namespace peerlink {

Expected<std::unique_ptr<SourceFile>> SourceFile::open(const std::string& path,
                                                       const std::string& share_dir) {
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
  src->sha256_ = cached_share_digest(share_dir, path, st);
  if (src->sha256_.size() != kSha256Bytes || digest_follows(src->sha256_))
    src->sha256_ = kDigestFollows;
  return src;
}

bool SourceFile::digest_known() const { return !digest_follows(sha256_); }

Expected<size_t> SourceFile::read_at(uint64_t offset, void* buf, size_t len) const {
  for (;;) {
    const ssize_t n = ::pread(fd_.get(), buf, len, static_cast<off_t>(offset));
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return Result::system("cannot read " + path_, errno);
  }
}

}  // namespace peerlink
