// Unit tests of the HELLO payload and of taking the session token from its inherited descriptor.
#include "common/session/hello.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>

#include <string>

#include "common/base/fd.h"
#include "common/base/secret_fd.h"

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

// A memfd holding `text`, as the lobby hands it over; the caller gives up ownership.
int handed_over(const std::string& text) {
  Expected<UniqueFd> fd = make_secret_fd(text);
  EXPECT_TRUE(fd.ok()) << fd.message();
  return fd.ok() ? fd->release() : -1;
}

TEST(TakeSessionToken, ReadsItAndClosesTheDescriptor) {
  const int fd = handed_over("deadbeef");
  const Expected<std::string> token = take_session_token(fd);
  ASSERT_TRUE(token.ok()) << token.message();
  EXPECT_EQ(*token, "deadbeef");
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);  // closed: nothing exec'd later inherits it
  EXPECT_EQ(errno, EBADF);
}

TEST(TakeSessionToken, RefusesMissingOrMalformedTokensAndStillClosesThem) {
  const Expected<std::string> none = take_session_token(-1);
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(none.message(), "no session token (no --secret-fd)");
  for (const std::string& bad :
       {std::string("two\nlines"), std::string(), std::string(kMaxTokenBytes + 1, 'a')}) {
    const int fd = handed_over(bad);
    const Expected<std::string> token = take_session_token(fd);
    EXPECT_FALSE(token.ok()) << bad;
    EXPECT_NE(token.message().find("no session token"), std::string::npos) << token.message();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "not closed after refusing " << bad;
  }
  const Expected<std::string> longest =
      take_session_token(handed_over(std::string(kMaxTokenBytes, 'a')));
  ASSERT_TRUE(longest.ok()) << longest.message();
  EXPECT_EQ(*longest, std::string(kMaxTokenBytes, 'a'));
}

}  // namespace
}  // namespace peerlink
