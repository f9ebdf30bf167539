// Unit tests of the session secret (common/handoff/session_secret.h): its format, the strict
// parser, and taking it from its inherited descriptor.
#include "common/handoff/session_secret.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>

#include <string>

#include "common/base/fd.h"
#include "common/base/secret_fd.h"
#include "common/handoff/identity_secret.h"
#include "common/session/hello.h"

namespace peerlink {
namespace {

X25519Key counting_key() {
  X25519Key k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i);
  return k;
}

const std::string kCountingHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// What the lobby writes: the IDENTITY line, then the session's own header and token lines.
std::string secret_text(const std::string& token, const std::string& identity = kCountingHex) {
  return "IDENTITY " + identity + "\npeerlink session secret 1\ntoken " + token + "\n";
}

TEST(SessionSecret, TheIdentityLineThenHeaderAndToken) {
  SessionSecret s;
  s.token = "deadbeef";
  s.identity = counting_key();
  EXPECT_EQ(encode_session_secret(s), secret_text("deadbeef"));
  // The same IDENTITY line as the serve and fetch secrets, written by the one function.
  EXPECT_EQ(encode_session_secret(s),
            join_identity_secret(x25519_from_private(counting_key()),
                                 "peerlink session secret 1\ntoken deadbeef\n"));
  Expected<SessionSecret> back = parse_session_secret(encode_session_secret(s));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->token, "deadbeef");
  EXPECT_EQ(back->identity, counting_key());
}

TEST(SessionSecret, UpperCaseIdentityDigitsAreRead) {
  Expected<SessionSecret> s = parse_session_secret(
      secret_text("t", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->identity, counting_key());
}

TEST(SessionSecret, RefusesAnythingElse) {
  const std::string good = secret_text("tok");
  ASSERT_TRUE(parse_session_secret(good));
  const std::string no_identity = "the secret has no IDENTITY line";
  const std::string identity_line = "IDENTITY " + kCountingHex + "\n";
  const std::pair<std::string, std::string> bad[] = {
      {"", no_identity},
      {"tok", no_identity},  // a bare token, as the hand-over was before keys
      // The three-line format sessions had before they shared the IDENTITY line.
      {"peerlink session secret 1\ntoken tok\nidentity " + kCountingHex + "\n", no_identity},
      {"peerlink session secret 1\ntoken tok\n", no_identity},
      {"peerlink session secret 1\ntoken tok\n" + identity_line, no_identity},
      {secret_text("tok", kCountingHex.substr(2)), no_identity},
      {secret_text("tok", kCountingHex + "00"), no_identity},
      {secret_text("tok", "zz" + kCountingHex.substr(2)), no_identity},
      {"identity " + kCountingHex + "\npeerlink session secret 1\ntoken tok\n", no_identity},
      {identity_line, "no header line"},
      {identity_line + "peerlink session secret 2\ntoken tok\n", "no header line"},
      {identity_line + "token tok\npeerlink session secret 1\n", "no header line"},
      {identity_line + "peerlink session secret 1\n", "bad token line"},
      {secret_text(""), "bad token line"},
      {secret_text("a b"), "bad token line"},
      {secret_text("a\tb"), "bad token line"},
      {secret_text(std::string(kMaxTokenBytes + 1, 'a')), "bad token line"},
      {good.substr(0, good.size() - 1), "bad token line"},  // no last newline
      {good + "\n", "trailing bytes"},
      {good + "more\n", "trailing bytes"},
      {good + identity_line, "trailing bytes"},
      {good + std::string(kMaxSessionSecretBytes, 'x'), "too long"},
  };
  for (const auto& [text, why] : bad) {
    Expected<SessionSecret> s = parse_session_secret(text);
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(s.message(), why) << text;
  }
  EXPECT_TRUE(parse_session_secret(secret_text(std::string(kMaxTokenBytes, 'a'))));
}

// A memfd holding `text`, as the lobby hands it over; the caller gives up ownership.
int handed_over(const std::string& text) {
  Expected<UniqueFd> fd = make_secret_fd(text);
  EXPECT_TRUE(fd.ok()) << fd.message();
  return fd.ok() ? fd->release() : -1;
}

TEST(TakeSessionSecret, ReadsItAndClosesTheDescriptor) {
  const int fd = handed_over(secret_text("deadbeef"));
  const Expected<SessionSecret> secret = take_session_secret(fd);
  ASSERT_TRUE(secret.ok()) << secret.message();
  EXPECT_EQ(secret->token, "deadbeef");
  EXPECT_EQ(secret->identity, counting_key());
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);  // closed: nothing exec'd later inherits it
  EXPECT_EQ(errno, EBADF);
}

TEST(TakeSessionSecret, RefusesMissingOrMalformedTokensAndStillClosesThem) {
  const Expected<SessionSecret> none = take_session_secret(-1);
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(none.message(), "no session token (no --secret-fd)");
  // A secret without the IDENTITY line says so.
  const Expected<SessionSecret> keyless =
      take_session_secret(handed_over("peerlink session secret 1\ntoken deadbeef\n"));
  EXPECT_EQ(keyless.message(),
            "no session token (a malformed secret was handed over: the secret has no IDENTITY "
            "line)");
  for (const std::string& bad :
       {secret_text("two\nlines"), secret_text(""),
        secret_text(std::string(kMaxTokenBytes + 1, 'a')), std::string("deadbeef"),
        std::string(kMaxSessionSecretBytes + 1, 'a')}) {
    const int fd = handed_over(bad);
    const Expected<SessionSecret> secret = take_session_secret(fd);
    EXPECT_FALSE(secret.ok()) << bad;
    EXPECT_NE(secret.message().find("no session token"), std::string::npos) << secret.message();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "not closed after refusing " << bad;
  }
  const Expected<SessionSecret> longest =
      take_session_secret(handed_over(secret_text(std::string(kMaxTokenBytes, 'a'))));
  ASSERT_TRUE(longest.ok()) << longest.message();
  EXPECT_EQ(longest->token, std::string(kMaxTokenBytes, 'a'));
}

}  // namespace
}  // namespace peerlink
