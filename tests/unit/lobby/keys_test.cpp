// Unit tests of the lobby's keys: the configuration folder, the user's identity files and the
// pinned broker keys (XDG_CONFIG_HOME pointed at a temporary folder in each test).
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/keys/config_dir.h"
#include "client/keys/identity.h"
#include "client/keys/known_brokers.h"
#include "common/base/hex.h"
#include "common/crypto/fingerprint.h"
#include "common/fs/key_file.h"
#include "tests/support/process.h"
#include "tests/unit/lobby/config_home.h"

namespace peerlink::lobby {
namespace {

using Verdict = BrokerKeyCheck::Verdict;

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ~0u;
  return static_cast<unsigned>(st.st_mode & 07777);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

X25519Key key_of(uint8_t fill) {
  X25519Key k;
  k.fill(fill);
  return k;
}

std::string hex_of(const X25519Key& k) { return to_hex(k.data(), k.size()); }

// --- The configuration folder.

using ConfigDirTest = ConfigHomeTest;

TEST_F(ConfigDirTest, IsInXdgConfigHomeAndCreatedPrivate) {
  Expected<std::string> dir = config_dir();
  ASSERT_TRUE(dir.ok()) << dir.message();
  EXPECT_EQ(*dir, peerlink_dir());
  EXPECT_EQ(mode_of(xdg_dir()), 0700u);  // missing parents too
  EXPECT_EQ(mode_of(peerlink_dir()), 0700u);
  // An existing folder keeps its mode.
  ASSERT_EQ(::chmod(peerlink_dir().c_str(), 0750), 0);
  ASSERT_TRUE(config_dir().ok());
  EXPECT_EQ(mode_of(peerlink_dir()), 0750u);
}

TEST_F(ConfigDirTest, WithoutAnAbsoluteXdgConfigHomeItIsUnderHome) {
  for (const char* xdg : {"", "relative/config"}) {
    ::setenv("XDG_CONFIG_HOME", xdg, 1);
    Expected<std::string> path = config_dir_path();
    ASSERT_TRUE(path.ok()) << path.message();
    EXPECT_EQ(*path, dir_.file("home") + "/.config/peerlink") << xdg;
  }
  ::unsetenv("XDG_CONFIG_HOME");
  Expected<std::string> dir = config_dir();
  ASSERT_TRUE(dir.ok()) << dir.message();
  EXPECT_EQ(*dir, dir_.file("home") + "/.config/peerlink");
  EXPECT_TRUE(exists(*dir));
}

TEST_F(ConfigDirTest, AFileInTheWayIsAFailure) {
  ASSERT_EQ(::mkdir(xdg_dir().c_str(), 0700), 0);
  ASSERT_TRUE(testing::write_file(peerlink_dir(), "not a folder"));
  Expected<std::string> dir = config_dir();
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.message(), peerlink_dir() + " is not a folder");
}

// --- Identities.

TEST(IdentityFileName, IsFoldedAndSafe) {
  EXPECT_EQ(identity_file_name("alice"), "identity-alice.key");
  EXPECT_EQ(identity_file_name("Alice"), "identity-alice.key");
  EXPECT_EQ(identity_file_name("a.B-c_9"), "identity-a.b-c_9.key");
  EXPECT_EQ(identity_file_name("a/b"), "identity-a%2fb.key");
  EXPECT_EQ(identity_file_name("x y%"), "identity-x%20y%25.key");
  EXPECT_EQ(identity_file_name("../.."), "identity-..%2f...key");
  EXPECT_EQ(identity_file_name("\xc3\xa9\n"), "identity-%c3%a9%0a.key");
  EXPECT_EQ(identity_file_name(std::string("a\0b", 3)), "identity-a%00b.key");
}

using IdentityTest = ConfigHomeTest;

TEST_F(IdentityTest, OneKeyPerUserNameKeptInTheConfigFolder) {
  bool created = false;
  Expected<X25519KeyPair> alice = load_identity("alice", "", &created);
  ASSERT_TRUE(alice.ok()) << alice.message();
  EXPECT_TRUE(created);
  const std::string file = peerlink_dir() + "/identity-alice.key";
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(peerlink_dir()), 0700u);
  Expected<X25519KeyPair> on_disk = load_key_file(file);
  ASSERT_TRUE(on_disk.ok()) << on_disk.message();
  EXPECT_EQ(on_disk->public_key, alice->public_key);

  Expected<X25519KeyPair> again = load_identity("ALICE", "", &created);  // names fold
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(created);
  EXPECT_EQ(again->public_key, alice->public_key);
  Expected<X25519KeyPair> bob = load_identity("bob", "", &created);
  ASSERT_TRUE(bob.ok()) << bob.message();
  EXPECT_TRUE(created);
  EXPECT_NE(bob->public_key, alice->public_key);
  Expected<std::string> path = identity_path("bob", "");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, peerlink_dir() + "/identity-bob.key");
}

TEST_F(IdentityTest, AnIdentityFileGivenIsUsedInstead) {
  const std::string file = dir_.file("mine/me.key");
  bool created = false;
  Expected<X25519KeyPair> me = load_identity("alice", file, &created);
  ASSERT_TRUE(me.ok()) << me.message();
  EXPECT_TRUE(created);
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_FALSE(exists(xdg_dir())) << "the config folder is not touched";
  Expected<X25519KeyPair> again = load_identity("", file, &created);  // no name needed
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->public_key, me->public_key);
  EXPECT_EQ(identity_path("bob", file).value_or(""), file);
}

TEST_F(IdentityTest, RefusalsAreClear) {
  Expected<X25519KeyPair> nameless = load_identity("", "", nullptr);
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.message(), "no user name for the identity file");
  ASSERT_TRUE(load_identity("alice", "", nullptr).ok());
  const std::string file = peerlink_dir() + "/identity-alice.key";
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  Expected<X25519KeyPair> open = load_identity("alice", "", nullptr);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(
      open.message(),
      file + ": mode 0644 lets other users at the private key; fix it with: chmod 600 " + file);
}

// --- Pinned broker keys.

class KnownBrokersTest : public ConfigHomeTest {
 protected:
  void SetUp() override {
    ConfigHomeTest::SetUp();
    Expected<std::string> dir = config_dir();
    ASSERT_TRUE(dir.ok()) << dir.message();
    path_ = KnownBrokers::path_in(*dir);
  }
  std::string path_;
};

TEST_F(KnownBrokersTest, TheFirstKeyIsPinnedAndAnotherIsRefused) {
  EXPECT_EQ(path_, peerlink_dir() + "/known_brokers");
  KnownBrokers known(path_);
  Expected<BrokerKeyCheck> first = known.check("broker.lan:12000", key_of(1));
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_EQ(first->verdict, Verdict::kNew);
  EXPECT_EQ(testing::read_file(path_), "broker.lan:12000 " + hex_of(key_of(1)) + "\n");
  EXPECT_EQ(mode_of(path_), 0600u);

  Expected<BrokerKeyCheck> same = KnownBrokers(path_).check("Broker.LAN:12000", key_of(1));
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_EQ(same->verdict, Verdict::kMatch);

  Expected<BrokerKeyCheck> other = known.check("broker.lan:12000", key_of(2));
  ASSERT_TRUE(other.ok()) << other.message();
  EXPECT_EQ(other->verdict, Verdict::kChanged);
  EXPECT_EQ(other->pinned_fingerprint, key_fingerprint(key_of(1)));
  EXPECT_EQ(testing::read_file(path_), "broker.lan:12000 " + hex_of(key_of(1)) + "\n")
      << "a changed key is not pinned";

  // Another port is another broker.
  Expected<BrokerKeyCheck> port = known.check("broker.lan:12001", key_of(2));
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->verdict, Verdict::kNew);
  X25519Key pinned{};
  Expected<bool> found = known.pinned("broker.lan:12001", &pinned);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(*found);
  EXPECT_EQ(pinned, key_of(2));
  found = known.pinned("elsewhere:1", &pinned);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_F(KnownBrokersTest, AddressesAreEncodedFields) {
  KnownBrokers known(path_);
  ASSERT_TRUE(known.check("[FE80::1]:12000", key_of(1)).ok());
  ASSERT_TRUE(known.check("odd host:1", key_of(2)).ok());
  EXPECT_EQ(testing::read_file(path_),
            "[fe80::1]:12000 " + hex_of(key_of(1)) + "\nodd%20host:1 " + hex_of(key_of(2)) + "\n");
  Expected<BrokerKeyCheck> again = known.check("odd host:1", key_of(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, Verdict::kMatch);
  again = known.check("[fe80::1]:12000", key_of(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, Verdict::kMatch);
}

TEST_F(KnownBrokersTest, TheBrokerKeyOptionPinsAfterCheckingTheFingerprint) {
  KnownBrokers known(path_);
  ASSERT_TRUE(known.check("b:1", key_of(1)).ok());
  // The wrong fingerprint: refused, nothing changes.
  const Result wrong = known.pin_fingerprint("b:1", key_of(2), key_fingerprint(key_of(3)));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.message(), "the broker's key has fingerprint " +
                                 grouped_fingerprint(key_fingerprint(key_of(2))) + ", not the " +
                                 grouped_fingerprint(key_fingerprint(key_of(3))) +
                                 " given with --broker-key");
  EXPECT_EQ(testing::read_file(path_), "b:1 " + hex_of(key_of(1)) + "\n");
  // The right one replaces the pinned key.
  const Result right = known.pin_fingerprint("B:1", key_of(2), key_fingerprint(key_of(2)));
  ASSERT_TRUE(right.ok()) << right.message();
  EXPECT_EQ(testing::read_file(path_), "b:1 " + hex_of(key_of(2)) + "\n");
  Expected<BrokerKeyCheck> now = known.check("b:1", key_of(2));
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->verdict, Verdict::kMatch);
  // And pins a broker not seen before.
  ASSERT_TRUE(known.pin_fingerprint("c:2", key_of(4), key_fingerprint(key_of(4))).ok());
  now = known.check("c:2", key_of(4));
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->verdict, Verdict::kMatch);
}

TEST_F(KnownBrokersTest, LinesThatAreNotPinsAreKept) {
  const std::string foreign =
      "# brokers I trust\n"
      "\n"
      "b:1 not-a-key\n"
      "b:1 " +
      hex_of(key_of(1)) + " extra\n";
  ASSERT_TRUE(testing::write_file(path_, foreign));
  KnownBrokers known(path_);
  Expected<BrokerKeyCheck> check = known.check("b:1", key_of(5));
  ASSERT_TRUE(check.ok()) << check.message();
  EXPECT_EQ(check->verdict, Verdict::kNew) << "none of those lines is a pin";
  EXPECT_EQ(testing::read_file(path_), foreign + "b:1 " + hex_of(key_of(5)) + "\n");
  // A pin written by hand in upper case counts.
  std::string upper = hex_of(key_of(0xab));
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(testing::write_file(path_, "Hand.Made:7 " + upper + "\n"));
  check = known.check("hand.made:7", key_of(0xab));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->verdict, Verdict::kMatch);
}

TEST_F(KnownBrokersTest, AHugeFileIsRefused) {
  ASSERT_TRUE(testing::write_file(path_, std::string((1 << 20) + 1, '#')));
  Expected<BrokerKeyCheck> check = KnownBrokers(path_).check("b:1", key_of(1));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.message(), path_ + ": larger than 1 MiB, not a file of pinned broker keys");
}

// Lobbies of one account pinning at once (the sandbox clients): no pin is lost.
TEST_F(KnownBrokersTest, ConcurrentPinsAreAllKept) {
  constexpr int kChildren = 8;
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      KnownBrokers known(path_);
      bool ok = true;
      for (int round = 0; round < 5; ++round) {
        const std::string address = "host" + std::to_string(i) + ":" + std::to_string(round);
        Expected<BrokerKeyCheck> c = known.check(address, key_of(static_cast<uint8_t>(i)));
        ok = ok && c.ok() && c->verdict == Verdict::kNew;
      }
      ::_exit(ok ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  KnownBrokers known(path_);
  for (int i = 0; i < kChildren; ++i) {
    for (int round = 0; round < 5; ++round) {
      X25519Key k{};
      const std::string address = "host" + std::to_string(i) + ":" + std::to_string(round);
      Expected<bool> found = known.pinned(address, &k);
      ASSERT_TRUE(found.ok());
      EXPECT_TRUE(*found) << address;
      EXPECT_EQ(k, key_of(static_cast<uint8_t>(i))) << address;
    }
  }
}

}  // namespace
}  // namespace peerlink::lobby
