// Result and Expected: what success and each kind of failure report.
#include "common/base/result.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

TEST(ResultTest, DefaultIsSuccessWithNoMessage) {
  const Result r;
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.status(), Status::kOk);
  EXPECT_EQ(r.error(), 0);
  EXPECT_EQ(r.message(), "");
}

TEST(ResultTest, FailureKeepsItsMessageAndErrno) {
  const Result r = Result::failure("no such user", EINVAL);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status(), Status::kError);
  EXPECT_EQ(r.error(), EINVAL);
  EXPECT_EQ(r.message(), "no such user");
}

TEST(ResultTest, SystemFailureNamesTheCallAndTheReason) {
  const Result r = Result::system("cannot open a.txt", ENOENT);
  EXPECT_EQ(r.error(), ENOENT);
  EXPECT_EQ(r.message(), std::string("cannot open a.txt: ") + std::strerror(ENOENT));
  EXPECT_EQ(Result::system("", EPIPE).message(), std::strerror(EPIPE));
}

TEST(ResultTest, ClosedAndTimedOutAreTheirOwnStatus) {
  EXPECT_EQ(Result::closed().status(), Status::kClosed);
  EXPECT_EQ(Result::closed().message(), "connection closed");
  EXPECT_EQ(Result::timed_out().status(), Status::kTimeout);
  EXPECT_EQ(Result::timed_out().message(), "timed out");
}

TEST(ResultTest, CancelledIsItsOwnStatusWithEcanceled) {
  const Result r = Result::cancelled();
  EXPECT_EQ(r.status(), Status::kCancelled);
  EXPECT_EQ(r.error(), ECANCELED);
  EXPECT_EQ(r.message(), "cancelled");
}

TEST(ResultTest, ContextIsPrependedToFailuresOnly) {
  EXPECT_EQ(Result::closed().with_context("broker").message(), "broker: connection closed");
  EXPECT_EQ(Result::closed().with_context("broker").status(), Status::kClosed);
  EXPECT_EQ(Result().with_context("broker").message(), "");
  EXPECT_TRUE(Result().with_context("broker").ok());
}

TEST(ExpectedTest, HoldsAValueOrTheFailure) {
  Expected<std::string> good(std::string("value"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "value");
  EXPECT_EQ(good->size(), 5u);
  EXPECT_TRUE(good.result().ok());

  Expected<std::string> bad(Result::failure("gone", ENOENT));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "gone");
  EXPECT_EQ(bad.error(), ENOENT);
  EXPECT_EQ(bad.status(), Status::kError);
}

TEST(ExpectedTest, ValueOrGivesTheFallbackOnlyWithoutAValue) {
  EXPECT_EQ(Expected<std::string>(std::string("value")).value_or("none"), "value");
  EXPECT_EQ(Expected<std::string>(Result::failure("gone")).value_or("none"), "none");
}

}  // namespace
}  // namespace peerlink
