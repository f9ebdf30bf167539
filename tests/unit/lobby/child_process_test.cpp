// Tests for the lobby's helper processes: what start() says when the exec fails, and that a
// started child is reaped with its exit status.
#include "client/launch/child_process.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace peerlink::lobby {
namespace {

TEST(ChildProcess, AFailedExecIsReportedByStart) {
  ChildProcess child;
  ChildSpec spec;
  spec.path = "/nonexistent/peerlink-helper";
  spec.argv = {spec.path};
  const Result started = child.start(spec);
  EXPECT_FALSE(started);
  EXPECT_EQ(started.message(),
            "cannot start /nonexistent/peerlink-helper: No such file or directory");
  EXPECT_FALSE(child.running());
}

TEST(ChildProcess, StartsAndReapsAChildWithItsExitStatus) {
  ChildProcess child;
  ChildSpec spec;
  spec.path = "/bin/sh";
  spec.argv = {"sh", "-c", "exit 3"};
  spec.quiet_stdout = true;
  const Result started = child.start(spec);
  ASSERT_TRUE(started) << started.message();
  EXPECT_TRUE(child.running());
  ASSERT_TRUE(child.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(child.describe_status(), "exit status 3");
}

}  // namespace
}  // namespace peerlink::lobby
