// Finds paused downloads that are already complete in the downloads folder.
#include "client/downloads/held_check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>
#include <utility>
#include <vector>

#include "common/base/hex.h"
#include "common/base/io.h"
#include "common/crypto/sha256.h"

namespace peerlink::lobby {

HeldCheck::HeldCheck(std::string downloads_dir)
    : dir_(std::move(downloads_dir)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

HeldCheck::~HeldCheck() { (void)cancel(); }

bool HeldCheck::held(const PausedDownload& d) const {
  const std::string path = dir_ + "/" + d.name;
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
    if (cancel_.load(std::memory_order_relaxed)) return false;
    size_t got = 0;
    const peerlink::Result r = recv_some(fd.get(), buf.data(), buf.size(), &got);
    if (r.status() == Status::kClosed) break;
    if (!r.ok()) return false;
    hash.update(buf.data(), got);
  }
  const Sha256::Digest digest = hash.finish();
  return to_hex(digest.data(), digest.size()) == d.sha256;
}

void HeldCheck::run() {
  Result result;
  for (const PausedDownload& d : checking_) {
    (held(d) ? result.held : result.resume).push_back(d);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_ = std::move(result);
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(wake_.get(), &one, sizeof one);
}

bool HeldCheck::start(std::vector<PausedDownload> downloads) {
  // Without the eventfd (out of descriptors) nobody would hear that the check finished.
  if (pending_ || !wake_) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_.reset();
  }
  checking_ = std::move(downloads);
  cancel_ = false;
  pending_ = true;
  // The lobby's signals (Ctrl-C, SIGTERM...) must interrupt its poll(), not land on this thread:
  // the thread starts with every signal blocked.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error&) {
    // No thread to be had (resource limits): resume them all rather than hash here.
    std::lock_guard<std::mutex> lock(mu_);
    result_ = Result{checking_, {}};
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(wake_.get(), &one, sizeof one);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return true;
}

HeldCheck::Result HeldCheck::finish() {
  if (thread_.joinable()) thread_.join();
  pending_ = false;
  uint64_t count = 0;
  [[maybe_unused]] ssize_t r = ::read(wake_.get(), &count, sizeof count);  // drain the wake-up
  std::lock_guard<std::mutex> lock(mu_);
  Result result = std::move(result_).value_or(Result{});
  result_.reset();
  return result;
}

std::optional<HeldCheck::Result> HeldCheck::take() {
  if (!pending_) return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!result_) return std::nullopt;
  }
  Result result = finish();
  checking_.clear();
  return result;
}

std::vector<PausedDownload> HeldCheck::cancel() {
  if (!pending_) return {};
  cancel_ = true;
  (void)finish();
  // Whatever the thread decided, none of them was reported: all are still paused.
  return std::exchange(checking_, {});
}

}  // namespace peerlink::lobby
