// End-to-end: two lobbies start a chat session through the broker, the peer programs take over
// (docs/HANDOFF.md), chat and a file go across, and both come back to the lobby.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/net/net.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

class E2eSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = start_broker(dir_.path());
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  std::string share_of(const std::string& name) { return dir_.file("share-" + name); }
  std::string downloads_of(const std::string& name) { return dir_.file("downloads-" + name); }

  std::unique_ptr<Process> client(const std::string& name) {
    fs::create_directories(share_of(name));
    auto p = Process::start({bin_path("_c"), "127.0.0.1", std::to_string(broker_.port), "--user",
                             name, "--share", share_of(name), "--downloads", downloads_of(name)});
    EXPECT_TRUE(p != nullptr);
    if (p) {
      EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
    }
    return p;
  }

  // alice asks bob, bob accepts: both end up in a session. Returns the setup time in ms.
  double start_session(Process* alice, Process* bob) {
    Clock::time_point t0 = Clock::now();
    alice->write_line("chat bob");
    EXPECT_TRUE(alice->wait_line("asked bob to chat, waiting for an answer")) << alice->output();
    EXPECT_TRUE(bob->wait_line("alice wants to chat — accept? [y/n]")) << bob->output();
    bob->write_line("y");
    EXPECT_TRUE(alice->wait_line("connected to bob — type to chat")) << alice->output();
    EXPECT_TRUE(bob->wait_line("connected to alice — type to chat")) << bob->output();
    return ms_since(t0);
  }

  TempDir dir_;
  BrokerProcess broker_;
};

TEST_F(E2eSessionTest, ChatFileAndBackToTheLobby) {
  auto alice = client("alice");
  auto bob = client("bob");
  auto carol = client("carol");

  double setup_ms = start_session(alice.get(), bob.get());
  if (HasFailure()) return;

  alice->write_line("hello bob, how are you?");
  EXPECT_TRUE(bob->wait_line("alice: hello bob, how are you?")) << bob->output();
  bob->write_line("fine, thanks");
  EXPECT_TRUE(alice->wait_line("bob: fine, thanks")) << alice->output();

  // Round-trip time of chat lines through both peer programs.
  constexpr int kRounds = 20;
  Clock::time_point t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    alice->write_line("ping " + std::to_string(i));
    ASSERT_TRUE(bob->wait_line("alice: ping " + std::to_string(i))) << bob->output();
    bob->write_line("pong " + std::to_string(i));
    ASSERT_TRUE(alice->wait_line("bob: pong " + std::to_string(i))) << alice->output();
  }
  double rtt_ms = ms_since(t0) / kRounds;

  // A small file, confirmed by the receiver, arrives byte for byte.
  const std::string data = random_data(100 * 1024 + 7, 42);
  const std::string src = share_of("alice") + "/small.bin";
  ASSERT_TRUE(write_file(src, data));
  alice->write_line("/send " + src);
  EXPECT_TRUE(alice->wait_line("offered small.bin")) << alice->output();
  ASSERT_TRUE(bob->wait_line("alice offers small.bin")) << bob->output();
  bob->write_line("y");
  EXPECT_TRUE(bob->wait_line("received small.bin")) << bob->output();
  EXPECT_TRUE(alice->wait_line("sent small.bin")) << alice->output();
  auto got = read_file(downloads_of("bob") + "/small.bin");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got == data) << "received file differs";

  // /quit on one side ends the session on both; each process execs _c again.
  alice->write_line("/quit");
  EXPECT_TRUE(alice->wait_line("returning to the lobby")) << alice->output();
  EXPECT_TRUE(bob->wait_line("returning to the lobby")) << bob->output();
  EXPECT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(bob->wait_line("registered as bob on")) << bob->output();

  carol->write_line("users");
  ASSERT_TRUE(carol->wait_line("3 users online:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  alice  127.0.0.1:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  bob  127.0.0.1:")) << carol->output();

  // The lobbies work again, in the same processes.
  alice->write_line("info bob");
  EXPECT_TRUE(alice->wait_line("bob is at 127.0.0.1:")) << alice->output();

  std::printf("[ measured ] session setup (chat USER -> connected on both sides): %.1f ms\n",
              setup_ms);
  std::printf("[ measured ] chat round trip (A -> B -> A through both peer programs): %.2f ms\n",
              rtt_ms);
  RecordProperty("session_setup_ms", std::to_string(setup_ms));
  RecordProperty("chat_rtt_ms", std::to_string(rtt_ms));
}

TEST_F(E2eSessionTest, LobbySocketsAreNotLeakedIntoTheSession) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("info bob");
  auto line = alice->wait_line("bob is at 127.0.0.1:");
  ASSERT_TRUE(line) << alice->output();
  uint16_t file_port = 0;
  ASSERT_TRUE(parse_port(line->substr(line->rfind(':') + 1), &file_port)) << *line;

  start_session(alice.get(), bob.get());
  if (HasFailure()) return;
  // bob's lobby listened on file_port (CLOEXEC); _peer_server must not have inherited it.
  Expected<UniqueFd> probe = connect_tcp("127.0.0.1", file_port, 2000);
  EXPECT_FALSE(probe.ok()) << "the lobby's file server socket leaked into _peer_server";
  alice->write_line("/quit");
  EXPECT_TRUE(bob->wait_line("registered as bob on")) << bob->output();
}

TEST_F(E2eSessionTest, TypedAheadLinesReachThePeerProgram) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  // "y" and the first chat line in one write: _c must leave the second line for _peer_server.
  bob->write("y\nwritten before the session started\n");
  EXPECT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  EXPECT_TRUE(alice->wait_line("bob: written before the session started")) << alice->output();
  bob->write_line("/quit");
  EXPECT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
}

// Ctrl-C in a session takes the user back to the lobby, not to the shell; and that lobby still
// leaves on Ctrl-C (the session program must not hand its blocked signal mask over to it).
TEST_F(E2eSessionTest, InterruptInTheSessionReturnsToTheLobby) {
  auto alice = client("alice");
  auto bob = client("bob");
  start_session(alice.get(), bob.get());
  if (HasFailure()) return;

  alice->kill(SIGINT);  // the same process: _c exec'd _peer_client
  auto line = alice->wait_line("session ended");
  ASSERT_TRUE(line) << alice->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  line = bob->wait_line("session ended");
  ASSERT_TRUE(line) << bob->output();
  EXPECT_EQ(*line, "session ended: alice left");
  EXPECT_TRUE(alice->wait_line("returning to the lobby")) << alice->output();
  EXPECT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(bob->wait_line("registered as bob on")) << bob->output();

  // An answer from the lobby's loop: its handlers are installed by then.
  alice->write_line("users");
  ASSERT_TRUE(alice->wait_line("2 users online:")) << alice->output();
  alice->kill(SIGINT);
  EXPECT_TRUE(alice->wait_line("bye")) << alice->output();
  const std::optional<int> status = alice->wait_exit();
  ASSERT_TRUE(status) << "the lobby ignored Ctrl-C: " << alice->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

}  // namespace
}  // namespace peerlink::testing
