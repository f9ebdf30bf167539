// Finds paused downloads that are already complete in the downloads folder.
#include "client/downloads/held_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/crypto/sha256.h"

namespace peerlink::lobby {
namespace {

// On the job's thread.
bool is_held(const std::string& dir, const PausedDownload& d, const std::atomic<bool>& cancel) {
  const std::string path = dir + "/" + d.name;
  // O_NONBLOCK: whatever sits under the name (a FIFO, say) must not hang the thread.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return false;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) != d.size) {
    return false;  // the usual case: nothing to hash
  }
  Sha256 hash;
  std::vector<char> buf(256 * 1024);
  for (;;) {
    if (cancel.load(std::memory_order_relaxed)) return false;
    size_t got = 0;
    const peerlink::Result r = recv_some(fd.get(), buf.data(), buf.size(), &got);
    if (r.status() == Status::kClosed) break;
    if (!r.ok()) return false;
    hash.update(buf.data(), got);
  }
  const Sha256::Digest digest = hash.finish();
  return to_hex(digest.data(), digest.size()) == d.sha256;
}

}  // namespace

HeldCheck::HeldCheck(std::string downloads_dir) : dir_(std::move(downloads_dir)) {}

HeldCheck::~HeldCheck() { (void)cancel(); }

bool HeldCheck::start(std::vector<PausedDownload> downloads) {
  // Without the eventfd (out of descriptors) nobody would hear that the check finished.
  if (job_.busy() || job_.wake_fd() < 0) return false;
  checking_ = std::move(downloads);
  cancel_ = false;
  auto check = [dir = dir_, list = checking_, cancel = &cancel_] {
    Result result;
    for (const PausedDownload& d : list)
      (is_held(dir, d, *cancel) ? result.held : result.resume).push_back(d);
    return result;
  };
  // No thread to be had (resource limits): resume them all rather than hash on the lobby thread.
  auto resume_all = [list = checking_] { return Result{list, {}}; };
  return job_.start(std::move(check), std::move(resume_all));
}

std::optional<HeldCheck::Result> HeldCheck::take() {
  std::optional<Result> result = job_.take();
  if (result) checking_.clear();
  return result;
}

std::vector<PausedDownload> HeldCheck::cancel() {
  if (!job_.busy()) return {};
  cancel_ = true;
  (void)job_.wait();
  // Whatever the thread decided, none of them was reported: all are still paused.
  return std::exchange(checking_, {});
}

}  // namespace peerlink::lobby
