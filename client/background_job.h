// A job the lobby runs off its own thread (hashing a large file must not freeze it): one at a
// time, on a thread of its own, its end signalled on an eventfd that the lobby's poll() watches.
// The share scanner and the paused-download check are its two users.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "common/base/fd.h"

namespace peerlink::lobby {

// The thread and the wake-up, whatever the job returns (BackgroundJob<T> below holds the result).
// The thread starts with every signal blocked: the lobby's signals (Ctrl-C, SIGTERM...) must
// interrupt its poll(), not land on the job. Lobby thread only, apart from the job itself.
class JobThread {
 public:
  JobThread();
  ~JobThread();  // join()
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  // Runs `job` on a new thread; false (nothing started) if a job was started and not finish()ed.
  // Should no thread be had (resource limits), `without_thread` runs here instead, and counts as
  // the job: it is finished at once.
  bool start(std::function<void()> job, std::function<void()> without_thread);
  bool busy() const { return pending_; }  // started and not finish()ed
  // The job has returned (what it wrote is visible once finish() has joined it).
  bool done() const { return done_.load(std::memory_order_acquire); }
  // Readable (an eventfd, close-on-exec, non-blocking) once a started job has returned; -1 if the
  // eventfd could not be made (out of descriptors): then nobody hears of the end but busy() and
  // done().
  int wake_fd() const { return wake_.get(); }
  // Waits for the job (at once if done()), drains the wake-up; not busy() any more.
  void finish();
  void join();

 private:
  void signal_done();

  UniqueFd wake_;
  std::thread thread_;
  bool pending_ = false;
  std::atomic<bool> done_{false};
};

// One job at a time that computes a T. The job runs on its own thread and must not touch the
// lobby's state (it gets what it needs by value); its result is handed over by take() or wait(),
// which join the thread. Destroying a BackgroundJob waits for a job in progress: a job that may
// run long needs a way to be told to stop (HeldCheck has one).
template <typename T>
class BackgroundJob {
 public:
  BackgroundJob() = default;
  ~BackgroundJob() { thread_.join(); }  // before result_ goes: the job writes it
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Starts `job`; false (nothing started) if one was started and not taken. `without_thread`
  // gives the result when no thread can be had.
  bool start(std::function<T()> job, std::function<T()> without_thread) {
    if (thread_.busy()) return false;
    result_.reset();
    return thread_.start([this, job = std::move(job)] { result_ = job(); },
                         [this, alt = std::move(without_thread)] { result_ = alt(); });
  }
  // A job was started and not taken yet.
  bool busy() const { return thread_.busy(); }
  int wake_fd() const { return thread_.wake_fd(); }
  // The finished job's result (the thread joined), or nullopt while it runs or if none was started.
  std::optional<T> take() {
    if (!thread_.busy() || !thread_.done()) return std::nullopt;
    return wait();
  }
  // Waits for the job and returns its result; nullopt if none was started.
  std::optional<T> wait() {
    if (!thread_.busy()) return std::nullopt;
    thread_.finish();
    return std::exchange(result_, std::nullopt);
  }

 private:
  std::optional<T> result_;  // written by the job, read after the join
  JobThread thread_;
};

}  // namespace peerlink::lobby
