// Scans the shared folder on a background thread.
#include "client/sharing/scanner.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>
#include <utility>

namespace peerlink::lobby {

ShareScanner::ShareScanner(std::string dir)
    : dir_(std::move(dir)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

ShareScanner::~ShareScanner() {
  if (thread_.joinable()) thread_.join();
}

void ShareScanner::run_scan() {
  ShareScan scan = scan_shared_folder(dir_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_ = std::move(scan);
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(wake_.get(), &one, sizeof one);
}

bool ShareScanner::start() {
  if (pending_) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_.reset();
  }
  pending_ = true;
  // The lobby's signals (Ctrl-C, SIGTERM...) must interrupt its poll(), not land on this thread:
  // the thread starts with every signal blocked.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    thread_ = std::thread([this] { run_scan(); });
  } catch (const std::system_error&) {
    run_scan();  // no thread to be had (resource limits): scan here, late rather than never
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return true;
}

std::optional<ShareScan> ShareScanner::finish() {
  if (thread_.joinable()) thread_.join();
  pending_ = false;
  uint64_t count = 0;
  [[maybe_unused]] ssize_t r = ::read(wake_.get(), &count, sizeof count);  // drain the wake-up
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(result_, std::nullopt);
}

std::optional<ShareScan> ShareScanner::take() {
  if (!pending_) return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!result_) return std::nullopt;
  }
  return finish();
}

std::optional<ShareScan> ShareScanner::wait() {
  if (!pending_) return std::nullopt;
  return finish();
}

}  // namespace peerlink::lobby
