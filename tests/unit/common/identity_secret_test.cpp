// Tests for the identity line at the head of a peer program's secret descriptor.
#include "common/handoff/identity_secret.h"

#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"

namespace peerlink {
namespace {

TEST(IdentitySecretTest, JoinsAndSplitsWithTheRestUnchanged) {
  const X25519KeyPair id = x25519_generate();
  for (const std::string& rest : {std::string(""), std::string(64, 'a'),
                                  std::string("OWNER a\nOWNER b\n"), std::string("\0\n", 2)}) {
    const std::string secret = join_identity_secret(id, rest);
    const Expected<IdentitySecret> back = split_identity_secret(secret);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(back->identity.private_key, id.private_key);
    EXPECT_EQ(back->identity.public_key, id.public_key) << "the public key is derived";
    EXPECT_EQ(back->rest, rest);
  }
}

TEST(IdentitySecretTest, TheLineIsTheWordAndTheHexPrivateKey) {
  const X25519KeyPair id = x25519_generate();
  const std::string hex = to_hex(id.private_key.data(), id.private_key.size());
  EXPECT_EQ(join_identity_secret(id, "rest"), "IDENTITY " + hex + "\nrest");
  // Either case of hex digits is read.
  std::string upper = hex;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  const Expected<IdentitySecret> back = split_identity_secret("IDENTITY " + upper + "\n");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->identity.private_key, id.private_key);
}

TEST(IdentitySecretTest, RefusesAnythingElse) {
  const std::string hex(64, '1');
  for (const std::string& bad : {
           std::string(""),
           std::string(64, 'a'),  // the old serve secret: a ticket key alone
           std::string("OWNER alice 127.0.0.1 1 x 1\n"),  // the old fetch secret
           "IDENTITY " + hex,                             // no '\n'
           "IDENTITY " + hex.substr(1) + "\n",            // 63 digits
           "IDENTITY " + hex + "0\n",                     // 65
           "IDENTITY  " + hex + "\n",                     // two spaces
           "identity " + hex + "\n",                      // the word is upper case
           "IDENTITY " + std::string(64, 'g') + "\n",
           " IDENTITY " + hex + "\n",
       }) {
    const Expected<IdentitySecret> s = split_identity_secret(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.message(), "the secret has no IDENTITY line") << bad;
  }
}

}  // namespace
}  // namespace peerlink
