// Integration tests of the broker's state across restarts (issue 9): the key file and the
// fingerprint `_s` prints, the refusal of a key file others may read, and the names file with
// --release.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <memory>
#include <string>
#include <vector>

#include "common/base/hex.h"
#include "common/crypto/fingerprint.h"
#include "common/fs/key_file.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

constexpr char kFingerprintLine[] = "broker key fingerprint ";

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ~0u;
  return static_cast<unsigned>(st.st_mode & 07777);
}

// The output's lines, in order.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  return lines;
}

class BrokerKeysTest : public ::testing::Test {
 protected:
  // Starts _s with `args` (a state dir among them) and waits for its fingerprint line; gives the
  // 64 digits it shows (empty if it did not start).
  std::string start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {bin_path("_s"), "--port", "0", "--bind", "127.0.0.1"};
    argv.insert(argv.end(), args.begin(), args.end());
    broker_ = Process::start(argv);
    if (!broker_ || !broker_->wait_line("listening on")) return "";
    const auto line = broker_->wait_line("fingerprint");
    if (!line || line->rfind(kFingerprintLine, 0) != 0) return "";
    Expected<std::string> shown = parse_fingerprint(line->substr(sizeof kFingerprintLine - 1));
    return shown.ok() ? *shown : "";
  }
  // Stops it the way an operator does (SIGTERM) and checks it exits cleanly.
  void stop() {
    broker_->kill(SIGTERM);
    const auto status = broker_->wait_exit();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << broker_->output();
  }
  // Runs _s with `args` to its (failed) exit; gives its status and output.
  std::pair<int, std::string> refused(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {bin_path("_s"), "--port", "0", "--bind", "127.0.0.1"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = Process::start(argv);
    const auto status = p->wait_exit();
    if (!status) return {-1, p->output()};
    return {WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, p->output()};
  }

  TempDir dir_;
  std::unique_ptr<Process> broker_;
};

TEST_F(BrokerKeysTest, TheFingerprintIsPrintedAndStaysAcrossRestarts) {
  const std::string state = dir_.file("state");  // missing: created
  const std::string first = start({"--state-dir", state});
  ASSERT_EQ(first.size(), 64u) << broker_->output();
  // The second line of output, right after the address.
  const std::vector<std::string> lines = lines_of(broker_->output());
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("peerlink broker listening on ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1], kFingerprintLine + grouped_fingerprint(first));
  // It is the key file's public key, and the files are private.
  const Expected<X25519KeyPair> key = load_key_file(state + "/broker.key");
  ASSERT_TRUE(key.ok()) << key.message();
  EXPECT_EQ(key_fingerprint(key->public_key), first);
  EXPECT_EQ(mode_of(state + "/broker.key"), 0600u);
  EXPECT_EQ(mode_of(state), 0700u);
  stop();
  // The log went to the state dir too, and says the same.
  const auto log = read_file(state + "/server.log");
  ASSERT_TRUE(log);
  EXPECT_NE(log->find("created a new broker key in " + state + "/broker.key"), std::string::npos);
  EXPECT_NE(log->find(kFingerprintLine + grouped_fingerprint(first)), std::string::npos) << *log;

  EXPECT_EQ(start({"--state-dir", state}), first) << broker_->output();
  stop();
  // Another state dir, another key; --key picks the file wherever it is.
  const std::string other = start({"--state-dir", dir_.file("other")});
  ASSERT_EQ(other.size(), 64u);
  EXPECT_NE(other, first);
  stop();
  EXPECT_EQ(start({"--state-dir", dir_.file("other"), "--key", state + "/broker.key"}), first);
  stop();
}

TEST_F(BrokerKeysTest, AKeyFileOthersMayReadStopsTheBroker) {
  const std::string state = dir_.path();
  ASSERT_EQ(start({"--state-dir", state}).size(), 64u);
  stop();
  const std::string key = state + "/broker.key";
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  const auto [status, output] = refused({"--state-dir", state});
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("chmod 600 " + key), std::string::npos) << output;
  EXPECT_EQ(output.find("listening on"), std::string::npos) << output;
  // Not a key file at all: refused too, and left alone.
  ASSERT_TRUE(write_file(key, "hello\n"));
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  const auto [status2, output2] = refused({"--state-dir", state});
  EXPECT_NE(status2, 0);
  EXPECT_NE(output2.find(key + ": not a peerlink key file"), std::string::npos) << output2;
  EXPECT_EQ(read_file(key), "hello\n");
}

TEST_F(BrokerKeysTest, ReleaseFreesNamesAtStartUp) {
  const std::string names = dir_.file("names");
  const std::string a(64, 'a');
  const std::string b(64, 'b');
  ASSERT_TRUE(write_file(names, "peerlink names 1\nalice " + a + " 1700000000\nbob " + b +
                                    " 1700000001\nnot a line\n"));
  ASSERT_EQ(start({"--state-dir", dir_.path(), "--release", "ALICE", "--release", "carol"}).size(),
            64u)
      << broker_->output();
  // Saved before the broker listens.
  EXPECT_EQ(read_file(names), "peerlink names 1\nbob " + b + " 1700000001\n");
  EXPECT_TRUE(broker_->saw("names file " + names + ": 2 names bound to keys (1 bad lines skipped)",
                           kDefaultWait))
      << broker_->output();
  X25519Key alice_key;
  alice_key.fill(0xaa);
  EXPECT_TRUE(broker_->saw("released name ALICE (it belonged to key " +
                               grouped_fingerprint(key_fingerprint(alice_key)) + ")",
                           kDefaultWait))
      << broker_->output();
  EXPECT_TRUE(broker_->saw("release carol: no key held that name", kDefaultWait));
  stop();
  EXPECT_EQ(read_file(names), "peerlink names 1\nbob " + b + " 1700000001\n");
}

TEST_F(BrokerKeysTest, ABrokenNamesFileStopsTheBroker) {
  const std::string names = dir_.file("elsewhere");
  ASSERT_TRUE(write_file(names, "my notes\n"));
  const auto [status, output] = refused({"--state-dir", dir_.path(), "--names", names});
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find(names + ": not a peerlink names file"), std::string::npos) << output;
  EXPECT_EQ(read_file(names), "my notes\n");
  const auto [status2, output2] = refused({"--state-dir", dir_.path(), "--release", "-x"});
  EXPECT_EQ(status2, 2);
  EXPECT_EQ(output2, "_s: --release: not a valid user name: -x (see _s --help)\n");
}

}  // namespace
}  // namespace peerlink::testing
