// Tests of the lobby's background job: the result is handed over once, the wake fd becomes
// readable when the job ends, one job at a time, and destruction waits for a running job.
#include "client/background_job.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace peerlink::lobby {
namespace {

// Whether `fd` becomes readable within `timeout_ms`.
bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

TEST(BackgroundJob, DeliversTheResultOnceAndWakesThePollLoop) {
  BackgroundJob<std::string> job;
  ASSERT_GE(job.wake_fd(), 0);
  EXPECT_FALSE(job.busy());
  EXPECT_FALSE(job.take().has_value());  // none started
  std::promise<void> go;
  std::shared_future<void> released = go.get_future().share();
  auto work = [released] {
    released.wait();
    return std::string("done");
  };
  ASSERT_TRUE(job.start(work, [] { return std::string(); }));
  EXPECT_TRUE(job.busy());
  EXPECT_FALSE(readable(job.wake_fd(), 0));  // still running
  EXPECT_FALSE(job.take().has_value());
  EXPECT_TRUE(job.busy());
  go.set_value();
  ASSERT_TRUE(readable(job.wake_fd(), 10000));
  std::optional<std::string> result = job.take();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, "done");
  EXPECT_FALSE(job.busy());
  EXPECT_FALSE(readable(job.wake_fd(), 0)) << "the wake-up was not drained";
  EXPECT_FALSE(job.take().has_value());  // taken once only
}

TEST(BackgroundJob, OneJobAtATime) {
  BackgroundJob<int> job;
  std::promise<void> go;
  std::shared_future<void> released = go.get_future().share();
  auto work = [released] {
    released.wait();
    return 1;
  };
  ASSERT_TRUE(job.start(work, [] { return 0; }));
  EXPECT_FALSE(job.start([] { return 2; }, [] { return 0; }));
  go.set_value();
  EXPECT_EQ(job.wait(), 1);  // the first one's result, not the refused one's
  ASSERT_TRUE(job.start([] { return 3; }, [] { return 0; }));
  EXPECT_EQ(job.wait(), 3);
  EXPECT_FALSE(job.wait().has_value());  // none running
}

TEST(BackgroundJob, RunsOffTheCallersThreadWithSignalsBlocked) {
  BackgroundJob<bool> job;
  const std::thread::id caller = std::this_thread::get_id();
  ASSERT_TRUE(job.start(
      [caller] {
        sigset_t mask;
        ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
        return std::this_thread::get_id() != caller && sigismember(&mask, SIGINT) == 1 &&
               sigismember(&mask, SIGTERM) == 1;
      },
      [] { return false; }));
  EXPECT_EQ(job.wait(), true);
  sigset_t mine;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mine);
  EXPECT_EQ(sigismember(&mine, SIGINT), 0) << "the caller's mask was not put back";
}

TEST(BackgroundJob, DestructionWaitsForARunningJob) {
  auto finished = std::make_shared<std::atomic<bool>>(false);
  std::promise<void> started;
  std::future<void> running = started.get_future();
  {
    BackgroundJob<int> job;
    ASSERT_TRUE(job.start(
        [finished, &started] {
          started.set_value();
          // Long enough that the destructor runs while the job does.
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          finished->store(true);
          return 7;
        },
        [] { return 0; }));
    running.wait();
  }  // never taken: the destructor joins (a joinable std::thread would terminate the test)
  EXPECT_TRUE(finished->load());
}

}  // namespace
}  // namespace peerlink::lobby
