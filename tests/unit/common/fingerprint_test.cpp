// Tests for key fingerprints: the digest of the public key, the grouped form, and parsing what
// people type.
#include "common/crypto/fingerprint.h"

#include <cctype>
#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

// SHA-256 of 32 zero bytes and of the bytes 0, 1, ..., 31 (computed with sha256sum).
constexpr char kZeroKeyPrint[] = "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925";
constexpr char kCountingKeyPrint[] =
    "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd";

TEST(FingerprintTest, IsTheHexSha256OfThePublicKey) {
  X25519Key zero{};
  EXPECT_EQ(key_fingerprint(zero), kZeroKeyPrint);
  X25519Key counting{};
  for (size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(key_fingerprint(counting), kCountingKeyPrint);
}

TEST(FingerprintTest, GroupsOfFourDigits) {
  EXPECT_EQ(grouped_fingerprint(kZeroKeyPrint),
            "6668 7aad f862 bd77 6c8f c18b 8e9f 8e20 0897 1485 6ee2 33b3 902a 591d 0d5f 2925");
  EXPECT_EQ(grouped_fingerprint(""), "");
  EXPECT_EQ(grouped_fingerprint("abcdef"), "abcd ef");
}

TEST(FingerprintTest, ParsesTheFormsPeopleType) {
  const std::string zero = kZeroKeyPrint;
  std::string upper = zero;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string colons;
  for (size_t i = 0; i < zero.size(); i += 2) {
    if (i > 0) colons.push_back(':');
    colons += zero.substr(i, 2);
  }
  for (const std::string& typed :
       {zero, upper, grouped_fingerprint(zero), grouped_fingerprint(upper), colons,
        "SHA256:" + zero, "sha256:" + grouped_fingerprint(zero), "  " + zero + "\t",
        " SHA256:" + upper + " "}) {
    Expected<std::string> parsed = parse_fingerprint(typed);
    ASSERT_TRUE(parsed.ok()) << typed << ": " << parsed.message();
    EXPECT_EQ(*parsed, zero) << typed;
  }
}

TEST(FingerprintTest, RefusesWhatIsNotOne) {
  const std::string zero = kZeroKeyPrint;
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"", "not a fingerprint: 0 hex digits, 64 expected"},
      {"SHA256:", "not a fingerprint: 0 hex digits, 64 expected"},
      {zero.substr(1), "not a fingerprint: 63 hex digits, 64 expected"},
      {zero + "0", "not a fingerprint: more than 64 hex digits"},
      {zero + zero, "not a fingerprint: more than 64 hex digits"},
      {"g" + zero.substr(1), "not a fingerprint: 'g' is not a hex digit"},
      {zero.substr(0, 32) + "-" + zero.substr(32), "not a fingerprint: '-' is not a hex digit"},
      {zero.substr(0, 32) + "\n" + zero.substr(32), "not a fingerprint: a byte is not a hex digit"},
      {"MD5:" + zero, "not a fingerprint: 'M' is not a hex digit"},
  };
  for (const auto& c : cases) {
    Expected<std::string> parsed = parse_fingerprint(c.text);
    EXPECT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.message(), c.message) << c.text;
  }
}

}  // namespace
}  // namespace peerlink
