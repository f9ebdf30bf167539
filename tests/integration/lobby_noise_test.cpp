// Integration tests of the lobby's encrypted broker link (issue 9): the real `_c` and `_s`. What a
// sniffer between them sees (a recording proxy in the test), teaching mode on both sides, and the
// broker's key: pinned on first use, a changed one refused, --broker-key right and wrong.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/crypto/fingerprint.h"
#include "common/fs/key_file.h"
#include "common/net/net.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;

// A TCP proxy on 127.0.0.1 (a port the OS picks) to `target_port`, for any number of
// connections, that records every byte it relays, both directions, in one string.
class SniffingProxy {
 public:
  explicit SniffingProxy(uint16_t target_port) : target_(target_port) {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    if (!l.ok()) return;
    listener_ = std::move(*l);
    port_ = local_port(listener_.get());
    thread_ = std::thread([this] { run(); });
  }
  ~SniffingProxy() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  struct Pair {
    UniqueFd a, b;
    bool done = false;
  };
  void run() {
    std::vector<Pair> pairs;
    while (!stop_) {
      std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}};
      for (const Pair& p : pairs) {
        fds.push_back({p.done ? -1 : p.a.get(), POLLIN, 0});
        fds.push_back({p.done ? -1 : p.b.get(), POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      for (size_t i = 0; i < pairs.size(); ++i) {
        for (int side = 0; side < 2; ++side) {
          if (pairs[i].done || (fds[1 + 2 * i + static_cast<size_t>(side)].revents == 0)) continue;
          int from = side == 0 ? pairs[i].a.get() : pairs[i].b.get();
          int to = side == 0 ? pairs[i].b.get() : pairs[i].a.get();
          char buf[65536];
          ssize_t n = ::recv(from, buf, sizeof buf, 0);
          if (n <= 0 || !send_all(to, buf, static_cast<size_t>(n)).ok()) {
            ::shutdown(to, SHUT_WR);
            pairs[i].done = true;
            continue;
          }
          std::lock_guard<std::mutex> lock(mu_);
          seen_.append(buf, static_cast<size_t>(n));
        }
      }
      if (fds[0].revents != 0) {
        UniqueFd c(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        Expected<UniqueFd> s = connect_tcp("127.0.0.1", target_, 5000);
        if (c && s.ok()) pairs.push_back({std::move(c), std::move(*s)});
      }
    }
  }
  uint16_t target_;
  UniqueFd listener_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::string seen_;
};

class LobbyNoiseTest : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    broker_ = start_broker(dir_.path(), extra);
    ASSERT_NE(broker_.port, 0) << (broker_.proc ? broker_.proc->output() : "no process");
  }
  std::string share_of(const std::string& name) {
    std::string d = dir_.file("share-" + name);
    fs::create_directories(d);
    return d;
  }
  std::vector<std::string> argv(const std::string& name, uint16_t port,
                                const std::vector<std::string>& extra = {}) {
    std::vector<std::string> a = {bin_path("_c"),
                                  "127.0.0.1",
                                  std::to_string(port),
                                  "--user",
                                  name,
                                  "--share",
                                  share_of(name),
                                  "--downloads",
                                  dir_.file("dl-" + name),
                                  "--reconnect-attempts",
                                  "1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // The broker's fingerprint as _s printed it (64 digits, no spaces).
  std::string broker_fingerprint() {
    auto line = broker_.proc->wait_line("fingerprint");
    if (!line) return "";
    std::string digits;
    for (char c : line->substr(line->find("fingerprint") + 11)) {
      if (std::isxdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    return digits.substr(0, 64);
  }
  std::string sniffed_session(uint16_t broker_port, bool plaintext);
  TempDir dir_;
  BrokerProcess broker_;
};

// A whole lobby session through the sniffer: two users, a shared file, listings, a chat request
// declined. With `plaintext` (both sides in teaching mode) the sniffer must see it all, which
// shows it records what it should; encrypted, nothing of it.
std::string LobbyNoiseTest::sniffed_session(uint16_t broker_port, bool plaintext) {
  SniffingProxy proxy(broker_port);
  EXPECT_NE(proxy.port(), 0);
  std::vector<std::string> extra;
  if (plaintext) extra.push_back("--plaintext");
  EXPECT_TRUE(write_file(share_of("alice") + "/secret-plans.txt", "the plans"));
  auto alice = Process::start(argv("alice", proxy.port(), extra));
  EXPECT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(alice->wait_line("sharing 1 file")) << alice->output();
  auto bob = Process::start(argv("bob", proxy.port(), extra));
  EXPECT_TRUE(bob->wait_line("registered as bob on")) << bob->output();
  bob->write_line("files");
  EXPECT_TRUE(bob->wait_line("secret-plans.txt")) << bob->output();
  bob->write_line("users");
  EXPECT_TRUE(bob->wait_line("2 users online")) << bob->output();
  bob->write_line("chat alice");
  EXPECT_TRUE(alice->wait_line("bob wants to chat")) << alice->output();
  alice->write_line("n");
  EXPECT_TRUE(bob->wait_line("declined")) << bob->output();
  bob->write_line("quit");
  alice->write_line("quit");
  EXPECT_TRUE(bob->wait_exit());
  EXPECT_TRUE(alice->wait_exit());
  return proxy.seen();
}

const std::vector<std::string> kSecrets = {
    "HELLO", "REGISTER", "ANNOUNCE",     "CHAT", "EVENT", "OK ", "USERS",
    "alice", "bob",      "secret-plans", "FILE", "PING",  "BYE", "DECLINE"};

TEST_F(LobbyNoiseTest, ASnifferSeesNoProtocolWordsNamesOrFileNames) {
  start();
  const std::string wire = sniffed_session(broker_.port, false);
  ASSERT_GT(wire.size(), 200u);
  for (const std::string& s : kSecrets) {
    EXPECT_EQ(wire.find(s), std::string::npos) << "'" << s << "' crossed the wire in clear";
  }
}

TEST_F(LobbyNoiseTest, TeachingModeOnBothSidesIsPlaintext) {
  start({"--plaintext"});
  const std::string wire = sniffed_session(broker_.port, true);
  // The same session in clear: the sniffer sees it all (so the test above could fail).
  for (const char* s : {"HELLO", "REGISTER alice", "secret-plans.txt", "CHAT alice"}) {
    EXPECT_NE(wire.find(s), std::string::npos) << s;
  }
}

TEST_F(LobbyNoiseTest, PlaintextLobbyIsToldToDropPlaintextByADefaultBroker) {
  start();
  auto p = Process::start(argv("alice", broker_.port, {"--plaintext"}));
  auto line = p->wait_line("encryption required");
  ASSERT_TRUE(line) << p->output();
  EXPECT_NE(line->find("without --plaintext"), std::string::npos) << *line;
  auto st = p->wait_exit();
  ASSERT_TRUE(st);
  EXPECT_EQ(WEXITSTATUS(*st), 1);
}

TEST_F(LobbyNoiseTest, BrokerKeyIsPinnedOnFirstUseAndAChangedOneRefused) {
  start();
  const uint16_t port = broker_.port;
  const std::string fp = broker_fingerprint();
  ASSERT_EQ(fp.size(), 64u);
  TempDir config;  // one lobby configuration across both runs
  Process::Options o;
  o.env["XDG_CONFIG_HOME"] = config.path();
  {
    auto a = Process::start(argv("alice", port), o);
    auto pinned = a->wait_line("pinned the broker's key");
    ASSERT_TRUE(pinned) << a->output();
    EXPECT_NE(pinned->find(grouped_fingerprint(fp)), std::string::npos) << *pinned;
    ASSERT_TRUE(a->wait_line("registered as alice on")) << a->output();
    a->write_line("quit");
    ASSERT_TRUE(a->wait_exit());
  }
  auto known = read_file(config.path() + "/peerlink/known_brokers");
  ASSERT_TRUE(known);
  EXPECT_EQ(known->rfind("127.0.0.1:" + std::to_string(port) + " ", 0), 0u) << *known;

  // Same broker again: no new pin line. Then a broker with another key on the same port.
  {
    auto a = Process::start(argv("alice", port), o);
    ASSERT_TRUE(a->wait_line("registered as alice on")) << a->output();
    EXPECT_FALSE(a->saw("pinned")) << a->output();
    a->write_line("quit");
    ASSERT_TRUE(a->wait_exit());
  }
  broker_.proc->kill(SIGTERM);
  ASSERT_TRUE(broker_.proc->wait_exit());
  TempDir other;
  broker_ = start_broker(other.path(), {"--port", std::to_string(port)});
  ASSERT_EQ(broker_.port, port);
  const std::string other_fp = broker_fingerprint();
  ASSERT_NE(other_fp, fp);

  auto a = Process::start(argv("alice", port), o);
  auto st = a->wait_exit();
  ASSERT_TRUE(st) << a->output();
  EXPECT_EQ(WEXITSTATUS(*st), 1);
  const std::string out = a->output();
  EXPECT_NE(out.find("WARNING"), std::string::npos) << out;
  EXPECT_NE(out.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << out;
  EXPECT_NE(out.find(grouped_fingerprint(fp)), std::string::npos) << out;
  EXPECT_NE(out.find(grouped_fingerprint(other_fp)), std::string::npos) << out;
  EXPECT_NE(out.find("known_brokers"), std::string::npos) << out;
  EXPECT_NE(out.find("--broker-key"), std::string::npos) << out;
  EXPECT_EQ(out.find("registered as"), std::string::npos) << out;
  // Nothing reached the broker beyond the handshake: no registration was logged.
  EXPECT_FALSE(broker_.proc->saw("REGISTER")) << broker_.proc->output();
}

TEST_F(LobbyNoiseTest, ChangedKeyWhileReconnectingIsFatal) {
  start();
  const uint16_t port = broker_.port;
  auto a = Process::start(argv("alice", port, {"--reconnect-attempts", "5"}));
  ASSERT_TRUE(a->wait_line("registered as alice on")) << a->output();
  broker_.proc->kill(SIGTERM);
  ASSERT_TRUE(broker_.proc->wait_exit());
  ASSERT_TRUE(a->wait_line("lost the connection to the broker")) << a->output();
  TempDir other;
  broker_ = start_broker(other.path(), {"--port", std::to_string(port)});
  ASSERT_EQ(broker_.port, port);
  auto st = a->wait_exit(milliseconds(20000));
  ASSERT_TRUE(st) << a->output();
  EXPECT_EQ(WEXITSTATUS(*st), 1);
  EXPECT_NE(a->output().find("WARNING"), std::string::npos) << a->output();
  // Refused once, not retried: no second attempt after the warning.
  EXPECT_EQ(a->output().find("reconnect attempt 2"), std::string::npos) << a->output();
}

TEST_F(LobbyNoiseTest, BrokerKeyOptionRightAndWrong) {
  start();
  const std::string fp = broker_fingerprint();
  ASSERT_EQ(fp.size(), 64u);
  {
    auto a = Process::start(argv("alice", broker_.port, {"--broker-key", grouped_fingerprint(fp)}));
    ASSERT_TRUE(a->wait_line("registered as alice on")) << a->output();
    a->write_line("quit");
    ASSERT_TRUE(a->wait_exit());
  }
  std::string wrong = fp;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  auto b = Process::start(argv("bob", broker_.port, {"--broker-key", wrong}));
  auto st = b->wait_exit();
  ASSERT_TRUE(st) << b->output();
  EXPECT_EQ(WEXITSTATUS(*st), 1);
  EXPECT_NE(b->output().find("--broker-key"), std::string::npos) << b->output();
  EXPECT_EQ(b->output().find("registered as"), std::string::npos) << b->output();
}

TEST_F(LobbyNoiseTest, NameOfAnotherIdentityIsRefusedAndAskedAgain) {
  start();
  {
    auto a = Process::start(argv("alice", broker_.port));
    ASSERT_TRUE(a->wait_line("registered as alice on")) << a->output();
    a->write_line("quit");
    ASSERT_TRUE(a->wait_exit());
  }
  // Another configuration folder (another machine): another identity for the same name.
  TempDir elsewhere;
  Process::Options o;
  o.env["XDG_CONFIG_HOME"] = elsewhere.path();
  auto b = Process::start(argv("alice", broker_.port), o);
  ASSERT_TRUE(b->wait_line("belongs to another key")) << b->output();
  ASSERT_TRUE(b->wait_line("your user name:")) << b->output();
  b->write_line("carol");
  EXPECT_TRUE(b->wait_line("registered as carol on")) << b->output();
}

}  // namespace
}  // namespace peerlink::testing
