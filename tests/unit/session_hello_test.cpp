// Unit tests of the HELLO payload and of taking the session token out of the environment.
#include "common/session_hello.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace peerlink {
namespace {

TEST(HelloCodec, TokenNewlineName) {
  EXPECT_EQ(encode_hello("abc123", "alice"), "abc123\nalice");
  std::string token, name;
  ASSERT_TRUE(decode_hello("abc123\nalice", &token, &name));
  EXPECT_EQ(token, "abc123");
  EXPECT_EQ(name, "alice");
}

TEST(HelloCodec, NameMayBeEmptyOrHoldNewlines) {
  std::string token, name;
  ASSERT_TRUE(decode_hello("t\n", &token, &name));
  EXPECT_EQ(name, "");
  ASSERT_TRUE(decode_hello("t\na\nb", &token, &name));
  EXPECT_EQ(token, "t");
  EXPECT_EQ(name, "a\nb");  // returned as sent: the caller does not trust it
}

TEST(HelloCodec, Refusals) {
  std::string token, name;
  EXPECT_FALSE(decode_hello("", &token, &name));
  EXPECT_FALSE(decode_hello("no newline", &token, &name));
  EXPECT_FALSE(decode_hello("\nalice", &token, &name));  // empty token
  EXPECT_TRUE(decode_hello(std::string(kMaxTokenBytes, 'a') + "\nx", &token, &name));
  EXPECT_FALSE(decode_hello(std::string(kMaxTokenBytes + 1, 'a') + "\nx", &token, &name));
}

TEST(TakeSessionToken, ReadsAndRemovesIt) {
  ASSERT_EQ(::setenv(kTokenEnvVar, "deadbeef", 1), 0);
  EXPECT_EQ(take_session_token(), "deadbeef");
  EXPECT_EQ(::getenv(kTokenEnvVar), nullptr);
  EXPECT_EQ(take_session_token(), "");  // gone
}

TEST(TakeSessionToken, RefusesMalformedTokensButStillRemovesThem) {
  ASSERT_EQ(::setenv(kTokenEnvVar, "two\nlines", 1), 0);
  EXPECT_EQ(take_session_token(), "");
  EXPECT_EQ(::getenv(kTokenEnvVar), nullptr);
  ASSERT_EQ(::setenv(kTokenEnvVar, std::string(kMaxTokenBytes + 1, 'a').c_str(), 1), 0);
  EXPECT_EQ(take_session_token(), "");
  EXPECT_EQ(::getenv(kTokenEnvVar), nullptr);
}

}  // namespace
}  // namespace peerlink
