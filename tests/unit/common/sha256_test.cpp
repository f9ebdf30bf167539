// Tests for SHA-256: FIPS 180-4 / NIST vectors, incremental splits, and file hashing.
#include "common/crypto/sha256.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"

namespace peerlink {
namespace {

std::string hex_of(const Sha256::Digest& d) { return to_hex(d.data(), d.size()); }

TEST(Sha256Test, EmptyString) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, Abc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, TwoBlockMessage448Bits) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, Message896Bits) {
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256Test, OneMillionA) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, OneMillionAInUnevenChunks) {
  Sha256 h;
  const std::string chunk(997, 'a');
  size_t left = 1000000;
  while (left > 0) {
    const size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  EXPECT_EQ(hex_of(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, SplitAtEveryOffsetMatchesOneShot) {
  std::string msg;
  for (int i = 0; i < 200; ++i) msg.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  const Sha256::Digest expected = sha256(msg);
  for (size_t split = 0; split <= msg.size(); ++split) {
    Sha256 h;
    h.update(std::string_view(msg).substr(0, split));
    h.update(std::string_view(msg).substr(split));
    EXPECT_EQ(h.finish(), expected) << "split at " << split;
  }
}

TEST(Sha256Test, BlockBoundaryLengthsOneShotVersusByteByByte) {
  for (const size_t len : {55u, 56u, 63u, 64u, 65u}) {
    const std::string msg(len, 'x');
    Sha256 h;
    for (const char c : msg) h.update(&c, 1);
    EXPECT_EQ(h.finish(), sha256(msg)) << "length " << len;
  }
}

TEST(Sha256Test, FinishResetsForReuse) {
  Sha256 h;
  h.update("some earlier message");
  h.finish();
  h.update("abc");
  EXPECT_EQ(hex_of(h.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of(h.finish()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

class Sha256FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/peerlink_sha256_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(Sha256FileTest, FileDigestMatchesStringDigest) {
  // Larger than the 256 KiB read size and not a multiple of it, so several reads are needed.
  std::string content;
  for (size_t i = 0; i < 600 * 1024 + 7; ++i) content.push_back(static_cast<char>(i % 251));
  const std::string path = dir_ + "/data.bin";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);

  const Expected<std::string> hex = sha256_file(path);
  ASSERT_TRUE(hex.ok()) << hex.message();
  EXPECT_EQ(*hex, sha256_hex(content));
}

TEST_F(Sha256FileTest, EmptyFile) {
  const std::string path = dir_ + "/empty";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const Expected<std::string> hex = sha256_file(path);
  ASSERT_TRUE(hex.ok()) << hex.message();
  EXPECT_EQ(*hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(Sha256FileTest, MissingFileFails) {
  const std::string path = dir_ + "/missing";
  const Expected<std::string> hex = sha256_file(path);
  EXPECT_FALSE(hex.ok());
  EXPECT_EQ(hex.message(), "cannot read " + path + ": No such file or directory");
}

TEST_F(Sha256FileTest, DirectoryFails) {
  const Expected<std::string> hex = sha256_file(dir_);
  EXPECT_FALSE(hex.ok());
  EXPECT_EQ(hex.message().rfind("cannot read " + dir_ + ": ", 0), 0u) << hex.message();
}

}  // namespace
}  // namespace peerlink

namespace peerlink {
namespace {

// Both back ends (the CPU's SHA extensions where present, and the portable code) must agree with
// the published vectors and with each other on every length and split.
class Sha256BackEndTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { sha256_force_portable(GetParam()); }
  void TearDown() override { sha256_force_portable(false); }
};

TEST_P(Sha256BackEndTest, PublishedVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_P(Sha256BackEndTest, AgreesWithTheOtherBackEnd) {
  std::mt19937 rng(7);
  for (size_t len : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{127},
                     size_t{128}, size_t{1000}, size_t{4096 + 3}, size_t{100000}}) {
    std::string data(len, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::string mine = sha256_hex(data);
    sha256_force_portable(!GetParam());
    std::string other = sha256_hex(data);
    // Fed in odd pieces through the other back end as well.
    Sha256 h;
    for (size_t i = 0; i < len; i += 37) h.update(data.substr(i, 37));
    Sha256::Digest d = h.finish();
    sha256_force_portable(GetParam());
    EXPECT_EQ(mine, other) << len;
    EXPECT_EQ(mine, to_hex(d.data(), d.size())) << len;
  }
}

INSTANTIATE_TEST_SUITE_P(Portable, Sha256BackEndTest, ::testing::Values(true));
INSTANTIATE_TEST_SUITE_P(Hardware, Sha256BackEndTest, ::testing::Values(false));

}  // namespace
}  // namespace peerlink
