// Unit tests of what the broker keeps across runs: the options that place its key and names files,
// and the loop's saving of the names (at most once a second while they changed).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/crypto/fingerprint.h"
#include "common/fs/key_file.h"
#include "server/broker.h"
#include "server/options.h"
#include "tests/support/process.h"

namespace peerlink::broker {
namespace {

ArgsOutcome parse(std::vector<std::string> args, BrokerOptions* o) {
  std::vector<const char*> argv = {"_s"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_broker_options(static_cast<int>(argv.size()), argv.data(), o);
}

TEST(BrokerStateOptions, FilesDefaultToTheStateDir) {
  BrokerOptions o;
  ASSERT_TRUE(parse({}, &o).go_on());
  EXPECT_EQ(o.state_dir, ".");
  EXPECT_EQ(o.key_path, "broker.key");
  EXPECT_EQ(o.names_path, "names");
  EXPECT_EQ(o.log_path, "server.log");
  EXPECT_TRUE(o.release.empty());
  EXPECT_EQ(o.name_expiry_days, 30);
  EXPECT_FALSE(o.plaintext);

  BrokerOptions d;
  ASSERT_TRUE(parse({"--state-dir", "/var/lib/peerlink"}, &d).go_on());
  EXPECT_EQ(d.key_path, "/var/lib/peerlink/broker.key");
  EXPECT_EQ(d.names_path, "/var/lib/peerlink/names");
  EXPECT_EQ(d.log_path, "/var/lib/peerlink/server.log");
  BrokerOptions slash;
  ASSERT_TRUE(parse({"--state-dir", "st/"}, &slash).go_on());
  EXPECT_EQ(slash.key_path, "st/broker.key");

  BrokerOptions given;
  ASSERT_TRUE(parse({"--state-dir", "st", "--key", "k", "--names", "n", "--log", "l", "--release",
                     "alice", "--release", "Bob", "--name-expiry-days", "7", "--plaintext"},
                    &given)
                  .go_on());
  EXPECT_EQ(given.key_path, "k");
  EXPECT_EQ(given.names_path, "n");
  EXPECT_EQ(given.log_path, "l");
  EXPECT_EQ(given.release, (std::vector<std::string>{"alice", "Bob"}));
  EXPECT_EQ(given.name_expiry_days, 7);
  EXPECT_TRUE(given.plaintext);
}

TEST(BrokerStateOptions, BadValuesAreUsageErrors) {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--release", "no spaces"},
            "_s: --release: not a valid user name: no spaces (see _s --help)\n"},
           {{"--release", ""}, "_s: --release: not a valid user name:  (see _s --help)\n"},
           {{"--name-expiry-days", "0"},
            "_s: --name-expiry-days: not a number in 1..36500: 0 (see _s --help)\n"},
           {{"--state-dir", ""}, "_s: --state-dir: needs a value (see _s --help)\n"},
           {{"--key", ""}, "_s: --key: needs a value (see _s --help)\n"},
           {{"--plaintext=yes"}, "_s: --plaintext takes no value (see _s --help)\n"},
       }) {
    BrokerOptions o;
    const ArgsOutcome r = parse(args, &o);
    EXPECT_EQ(r.exit_code(), 2) << args[0];
    EXPECT_EQ(r.text(), message);
  }
}

BrokerOptions quiet_options(const testing::TempDir& dir) {
  BrokerOptions o;
  o.port = 0;
  o.bind = "127.0.0.1";
  o.quiet = true;
  o.state_dir = dir.path();
  o.log_path = dir.file("server.log");
  o.key_path = dir.file("broker.key");
  o.names_path = dir.file("names");
  return o;
}

TEST(BrokerState, StartLoadsTheKeyAndTheNames) {
  testing::TempDir dir;
  X25519Key key{};
  key.fill(7);
  {
    NameKeys seed(dir.file("names"));
    ASSERT_EQ(seed.claim("alice", key, 1000), NameKeys::Claim::kBound);
    ASSERT_EQ(seed.claim("bob", key, 1000), NameKeys::Claim::kBound);
    ASSERT_TRUE(seed.save().ok());
  }
  BrokerOptions o = quiet_options(dir);
  o.release = {"Bob"};
  Broker broker(o);
  const Result started = broker.start();
  ASSERT_TRUE(started.ok()) << started.message();
  const Expected<X25519KeyPair> on_disk = load_key_file(dir.file("broker.key"));
  ASSERT_TRUE(on_disk.ok()) << on_disk.message();
  EXPECT_EQ(broker.static_key().public_key, on_disk->public_key);
  EXPECT_EQ(broker.static_key().private_key, on_disk->private_key);
  EXPECT_EQ(broker.fingerprint(), grouped_fingerprint(key_fingerprint(on_disk->public_key)));
  ASSERT_NE(broker.names().find("alice"), nullptr);
  EXPECT_EQ(broker.names().find("alice")->key, key);
  EXPECT_EQ(broker.names().find("bob"), nullptr);
  EXPECT_FALSE(broker.names().dirty()) << "the release was saved at once";
  NameKeys reread(dir.file("names"));
  ASSERT_TRUE(reread.load().ok());
  EXPECT_EQ(reread.size(), 1u);
}

TEST(BrokerState, WithoutFilesTheKeyIsEphemeral) {
  BrokerOptions o;
  o.port = 0;
  o.bind = "127.0.0.1";
  o.quiet = true;
  o.log_path = "/dev/null";
  Broker a(o);
  Broker b(o);
  ASSERT_TRUE(a.start().ok());
  ASSERT_TRUE(b.start().ok());
  EXPECT_EQ(a.static_key().public_key, b.static_key().public_key) << "one per process";
  EXPECT_NE(a.static_key().public_key, X25519Key{});
  EXPECT_EQ(x25519_from_private(a.static_key().private_key).public_key, a.static_key().public_key);
  EXPECT_EQ(a.fingerprint().size(), 64u + 15u);
}

TEST(BrokerState, TheLoopSavesChangedNamesAtMostOnceASecond) {
  testing::TempDir dir;
  Broker broker(quiet_options(dir));
  ASSERT_TRUE(broker.start().ok());
  X25519Key key{};
  key.fill(1);
  ASSERT_EQ(broker.names().claim("alice", key, 1000), NameKeys::Claim::kBound);
  broker.turn(0);  // the first change is saved on the next turn
  EXPECT_FALSE(broker.names().dirty());
  NameKeys reread(dir.file("names"));
  ASSERT_TRUE(reread.load().ok());
  EXPECT_NE(reread.find("alice"), nullptr);

  const auto changed = std::chrono::steady_clock::now();
  ASSERT_EQ(broker.names().claim("bob", key, 1000), NameKeys::Claim::kBound);
  broker.turn(0);
  if (std::chrono::steady_clock::now() - changed < std::chrono::milliseconds(900)) {
    EXPECT_TRUE(broker.names().dirty()) << "saved again within the second";
    ASSERT_TRUE(reread.load().ok());
    EXPECT_EQ(reread.find("bob"), nullptr);
  }
  // Once the second has passed, a turn saves them (no event is needed).
  const auto deadline = changed + std::chrono::seconds(5);
  while (broker.names().dirty() && std::chrono::steady_clock::now() < deadline) broker.turn(100);
  EXPECT_FALSE(broker.names().dirty());
  ASSERT_TRUE(reread.load().ok());
  EXPECT_NE(reread.find("bob"), nullptr);
}

}  // namespace
}  // namespace peerlink::broker
