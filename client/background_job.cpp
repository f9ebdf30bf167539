// A job the lobby runs off its own thread.
#include "client/background_job.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>

namespace peerlink::lobby {

JobThread::JobThread() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

JobThread::~JobThread() { join(); }

void JobThread::signal_done() {
  done_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(wake_.get(), &one, sizeof one);
}

bool JobThread::start(std::function<void()> job, std::function<void()> without_thread) {
  if (pending_) return false;
  done_.store(false, std::memory_order_relaxed);
  pending_ = true;
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    thread_ = std::thread([this, job = std::move(job)] {
      job();
      signal_done();
    });
  } catch (const std::system_error&) {
    without_thread();
    signal_done();
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return true;
}

void JobThread::finish() {
  join();
  pending_ = false;
  uint64_t count = 0;
  [[maybe_unused]] ssize_t r = ::read(wake_.get(), &count, sizeof count);  // drain the wake-up
}

void JobThread::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace peerlink::lobby
