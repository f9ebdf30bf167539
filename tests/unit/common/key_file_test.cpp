// Tests for key files: creation (mode 0600, folder 0700, no temporary left, one winner among
// concurrent creators), reloading the same key, and each refusal.
#include "common/fs/key_file.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/base/hex.h"
#include "common/base/io.h"
#include "tests/support/process.h"

namespace peerlink {
namespace {

using testing::TempDir;

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ~0u;
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string key_text(std::string_view digits) {
  return std::string(kKeyFileHeader) + std::string(digits) + "\n";
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

TEST(KeyFileTest, CreatesAPrivateFileAndReloadsTheSameKey) {
  TempDir dir;
  const std::string path = dir.file("broker.key");
  bool created = false;
  Expected<X25519KeyPair> first = load_or_create_key_file(path, &created);
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_TRUE(created);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"broker.key"});  // no temporary
  // The documented format, and the public key is the private key's.
  const auto text = testing::read_file(path);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, key_text(to_hex(first->private_key.data(), first->private_key.size())));
  EXPECT_EQ(x25519_from_private(first->private_key).public_key, first->public_key);

  Expected<X25519KeyPair> again = load_or_create_key_file(path, &created);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(created);
  EXPECT_EQ(again->private_key, first->private_key);
  EXPECT_EQ(again->public_key, first->public_key);
  Expected<X25519KeyPair> loaded = load_key_file(path);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(loaded->public_key, first->public_key);

  // Another file, another key.
  Expected<X25519KeyPair> other = load_or_create_key_file(dir.file("other.key"), nullptr);
  ASSERT_TRUE(other.ok()) << other.message();
  EXPECT_NE(other->private_key, first->private_key);
}

TEST(KeyFileTest, CreatesMissingFoldersPrivate) {
  TempDir dir;
  const std::string path = dir.file("a/b/identity-alice.key");
  bool created = false;
  Expected<X25519KeyPair> pair = load_or_create_key_file(path, &created);
  ASSERT_TRUE(pair.ok()) << pair.message();
  EXPECT_TRUE(created);
  EXPECT_EQ(mode_of(dir.file("a")), 0700u);
  EXPECT_EQ(mode_of(dir.file("a/b")), 0700u);
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(KeyFileTest, ModeIs0600WhateverTheUmask) {
  TempDir dir;
  const mode_t old = ::umask(0);
  Expected<X25519KeyPair> pair = load_or_create_key_file(dir.file("k"), nullptr);
  ::umask(old);
  ASSERT_TRUE(pair.ok()) << pair.message();
  EXPECT_EQ(mode_of(dir.file("k")), 0600u);
}

TEST(KeyFileTest, ReadsUpperCaseDigitsAndAMissingLastNewline) {
  TempDir dir;
  const std::string path = dir.file("k");
  const std::string digits(64, 'A');
  ASSERT_TRUE(testing::write_file(path, std::string(kKeyFileHeader) + digits));
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  Expected<X25519KeyPair> pair = load_key_file(path);
  ASSERT_TRUE(pair.ok()) << pair.message();
  for (uint8_t b : pair->private_key) EXPECT_EQ(b, 0xaa);
  // Every digit value, both cases, lands where it should.
  const std::string mixed = "0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef0123";
  ASSERT_TRUE(testing::write_file(path, key_text(mixed)));
  pair = load_key_file(path);
  ASSERT_TRUE(pair.ok()) << pair.message();
  std::string lower = mixed;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(to_hex(pair->private_key.data(), pair->private_key.size()), lower);
}

TEST(KeyFileTest, RefusesAFileOthersMayUse) {
  TempDir dir;
  const std::string path = dir.file("broker.key");
  ASSERT_TRUE(load_or_create_key_file(path, nullptr).ok());
  const auto before = testing::read_file(path);
  for (unsigned mode : {0644u, 0640u, 0604u, 0620u, 0602u, 0610u, 0666u}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    Expected<X25519KeyPair> pair = load_or_create_key_file(path, nullptr);
    ASSERT_FALSE(pair.ok()) << std::oct << mode;
    char shown[8];
    std::snprintf(shown, sizeof shown, "%04o", mode);
    EXPECT_EQ(pair.message(), path + ": mode " + shown +
                                  " lets other users at the private key; fix it with: chmod 600 " +
                                  path);
    EXPECT_EQ(testing::read_file(path), before) << "a refused key file is left alone";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);  // read-only for its owner is fine
  EXPECT_TRUE(load_key_file(path).ok());
}

TEST(KeyFileTest, RefusesWhatIsNotARegularFile) {
  TempDir dir;
  ASSERT_EQ(::mkdir(dir.file("folder").c_str(), 0700), 0);
  Expected<X25519KeyPair> pair = load_or_create_key_file(dir.file("folder"), nullptr);
  ASSERT_FALSE(pair.ok());
  EXPECT_EQ(pair.message(), dir.file("folder") + ": not a regular file");
  // A FIFO: refused at once, not read (which would wait for a writer).
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  pair = load_or_create_key_file(dir.file("fifo"), nullptr);
  ASSERT_FALSE(pair.ok());
  EXPECT_EQ(pair.message(), dir.file("fifo") + ": not a regular file");
}

TEST(KeyFileTest, RefusesContentsThatAreNotAKeyFile) {
  TempDir dir;
  const std::string path = dir.file("k");
  const std::string digits(64, '1');
  const std::string cases[] = {
      "",
      kKeyFileHeader,
      key_text(digits.substr(1)),
      key_text(digits + "1"),
      key_text(digits.substr(1) + "g"),
      key_text(digits.substr(1) + " "),
      key_text(digits) + "\n",
      key_text(digits) + "more",
      std::string(kKeyFileHeader) + digits + "\r\n",
      "peerlink x25519 public key\n" + digits + "\n",
      "PEERLINK X25519 PRIVATE KEY\n" + digits + "\n",
      digits + "\n",
      std::string(1 << 20, 'x'),  // large: only the first bytes are read
  };
  for (const std::string& text : cases) {
    ASSERT_TRUE(testing::write_file(path, text));
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    Expected<X25519KeyPair> pair = load_or_create_key_file(path, nullptr);
    ASSERT_FALSE(pair.ok()) << text.substr(0, 100);
    EXPECT_EQ(pair.message(), path + ": not a peerlink key file") << text.substr(0, 100);
    EXPECT_EQ(testing::read_file(path), text) << "a refused key file is left alone";
  }
}

TEST(KeyFileTest, AnUnusableFolderIsAFailure) {
  TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("plain"), "x"));
  Expected<X25519KeyPair> pair = load_or_create_key_file(dir.file("plain/k"), nullptr);
  ASSERT_FALSE(pair.ok());
  EXPECT_NE(pair.message().find(dir.file("plain/k")), std::string::npos) << pair.message();
}

TEST(KeyFileTest, ConcurrentThreadsGetOneKey) {
  TempDir dir;
  const std::string path = dir.file("sub/k");
  constexpr int kThreads = 8;
  std::vector<X25519KeyPair> pairs(kThreads);
  std::vector<int> created(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      bool c = false;
      Expected<X25519KeyPair> p = load_or_create_key_file(path, &c);
      if (!p.ok()) {
        errors[i] = p.message();
        return;
      }
      pairs[i] = *p;
      created[i] = c ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  int winners = 0;
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_EQ(pairs[i].public_key, pairs[0].public_key) << i;
    winners += created[i];
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(folder_entries(dir.file("sub")), std::vector<std::string>{"k"});
}

// Separate processes (each its own temporary file): exactly one creates the key, every other
// loads the winner's.
TEST(KeyFileTest, ConcurrentProcessesGetOneKey) {
  TempDir dir;
  const std::string path = dir.file("k");
  constexpr int kChildren = 6;
  std::vector<pid_t> pids;
  std::vector<int> reads;
  for (int i = 0; i < kChildren; ++i) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(p[0]);
      bool c = false;
      Expected<X25519KeyPair> pair = load_or_create_key_file(path, &c);
      std::string out = pair.ok() ? std::string(c ? "C" : "L") +
                                        to_hex(pair->public_key.data(), pair->public_key.size())
                                  : "E" + pair.message();
      (void)send_all(p[1], out);
      ::_exit(0);
    }
    ::close(p[1]);
    pids.push_back(pid);
    reads.push_back(p[0]);
  }
  std::vector<std::string> outs;
  for (int fd : reads) {
    std::string out;
    EXPECT_TRUE(read_to_end(fd, 4096, &out).ok());
    ::close(fd);
    outs.push_back(out);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  int winners = 0;
  for (const std::string& out : outs) {
    ASSERT_EQ(out.size(), 65u) << out;
    winners += out[0] == 'C' ? 1 : 0;
    EXPECT_EQ(out.substr(1), outs[0].substr(1));
  }
  EXPECT_EQ(winners, 1);
  const Expected<X25519KeyPair> on_disk = load_key_file(path);
  ASSERT_TRUE(on_disk.ok());
  EXPECT_EQ(to_hex(on_disk->public_key.data(), 32), outs[0].substr(1));
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"k"});
}

TEST(KeyFileTest, RemovesTheTemporaryOfADeadCreator) {
  TempDir dir;
  const std::string path = dir.file("k");
  // pid 2^22+1 is above the kernel's pid_max ceiling, so no process has it.
  const std::string stale = path + ".tmp4194305";
  ASSERT_TRUE(testing::write_file(stale, key_text(std::string(64, '2'))));
  ASSERT_TRUE(load_or_create_key_file(path, nullptr).ok());
  EXPECT_EQ(folder_entries(dir.path()), std::vector<std::string>{"k"});
}

}  // namespace
}  // namespace peerlink
