// Integration tests of the busy state (docs/LOBBY.md, "Busy users"): users who left the broker for
// a chat session are shown as "in a chat with X", not as gone, until they come back.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;

class LobbyBusyTest : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    broker_ = start_broker(dir_.path(), extra);
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  std::unique_ptr<Process> client(const std::string& name) {
    std::string share = dir_.file("share-" + name);
    fs::create_directories(share);
    auto p =
        Process::start({bin_path("_c"), "127.0.0.1", std::to_string(broker_.port), "--user", name,
                        "--share", share, "--downloads", dir_.file("downloads-" + name)});
    EXPECT_TRUE(p != nullptr);
    if (p) {
      EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
    }
    return p;
  }

  // alice asks bob, bob accepts, both are in a session; carol sees both go busy.
  void start_session(Process* alice, Process* bob, Process* carol) {
    alice->write_line("chat bob");
    ASSERT_TRUE(bob->wait_line("alice wants to chat — accept? [y/n]")) << bob->output();
    bob->write_line("y");
    ASSERT_TRUE(alice->wait_line("connected to bob — type to chat")) << alice->output();
    ASSERT_TRUE(bob->wait_line("connected to alice — type to chat")) << bob->output();
    ASSERT_TRUE(carol->saw("* alice is in a chat with bob", kDefaultWait)) << carol->output();
    ASSERT_TRUE(carol->saw("* bob is in a chat with alice", kDefaultWait)) << carol->output();
  }

  TempDir dir_;
  BrokerProcess broker_;
};

TEST_F(LobbyBusyTest, UsersInASessionAreShownBusyAndCannotBeAsked) {
  start();
  auto alice = client("alice");
  auto bob = client("bob");
  auto carol = client("carol");
  start_session(alice.get(), bob.get(), carol.get());
  if (HasFailure()) return;
  EXPECT_FALSE(carol->saw("* alice left")) << carol->output();
  EXPECT_FALSE(carol->saw("* bob left")) << carol->output();

  carol->write_line("users");
  ASSERT_TRUE(carol->wait_line("3 users online:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  carol  127.0.0.1:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  alice  in a chat with bob")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  bob  in a chat with alice")) << carol->output();

  carol->write_line("chat bob");
  EXPECT_TRUE(carol->wait_line("bob is in a chat with alice")) << carol->output();
  EXPECT_FALSE(carol->saw("asked bob to chat")) << carol->output();

  // The session ends: both come back, online again.
  alice->write_line("/quit");
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  ASSERT_TRUE(bob->wait_line("registered as bob on")) << bob->output();
  carol->write_line("users");
  ASSERT_TRUE(carol->wait_line("3 users online:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  alice  127.0.0.1:")) << carol->output();
  EXPECT_TRUE(carol->wait_line("  bob  127.0.0.1:")) << carol->output();
  carol->write_line("chat bob");
  EXPECT_TRUE(carol->wait_line("asked bob to chat, waiting for an answer")) << carol->output();
}

TEST_F(LobbyBusyTest, AUserWhoVanishesMidSessionIsGoneOnceItsPartnerIsBack) {
  start({"--busy-grace", "1"});
  auto alice = client("alice");
  auto bob = client("bob");
  auto carol = client("carol");
  start_session(alice.get(), bob.get(), carol.get());
  if (HasFailure()) return;
  alice->kill(SIGKILL);  // the terminal closed: alice's program never comes back
  ASSERT_TRUE(bob->wait_line("registered as bob on")) << bob->output();
  ASSERT_TRUE(carol->wait_line("* bob joined")) << carol->output();
  EXPECT_TRUE(carol->wait_line("* alice left")) << carol->output();
  carol->write_line("users");
  ASSERT_TRUE(carol->wait_line("2 users online:")) << carol->output();
}

TEST_F(LobbyBusyTest, BusyRecordsExpire) {
  start({"--busy-expiry", "1"});
  auto alice = client("alice");
  auto bob = client("bob");
  auto carol = client("carol");
  start_session(alice.get(), bob.get(), carol.get());
  if (HasFailure()) return;
  // Neither comes back (the session still runs): after the expiry they count as gone.
  // In either order: the two records expire in the same sweep.
  EXPECT_TRUE(carol->saw("* alice left", kDefaultWait)) << carol->output();
  EXPECT_TRUE(carol->saw("* bob left", kDefaultWait)) << carol->output();
}

// The `transfers` history of a run survives the chat session (the lobby is exec'd again).
TEST_F(LobbyBusyTest, TransfersKeepTheirHistoryAcrossASession) {
  start();
  fs::create_directories(dir_.file("share-carol"));
  ASSERT_TRUE(write_file(dir_.file("share-carol") + "/notes.txt", "some notes\n"));
  auto carol = client("carol");
  ASSERT_TRUE(carol->wait_line("sharing 1 file from")) << carol->output();
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("get notes.txt");
  ASSERT_TRUE(alice->wait_line("downloaded notes.txt -> ")) << alice->output();
  alice->write_line("transfers");
  ASSERT_TRUE(alice->wait_line("1 transfer:")) << alice->output();
  ASSERT_TRUE(alice->wait_line("  notes.txt  done -> ")) << alice->output();

  start_session(alice.get(), bob.get(), carol.get());
  if (HasFailure()) return;
  bob->write_line("/quit");
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  alice->write_line("transfers");
  ASSERT_TRUE(alice->wait_line("1 transfer:")) << alice->output();
  EXPECT_TRUE(alice->wait_line("  notes.txt  done -> ")) << alice->output();
  // Taken: the file that carried it is gone.
  ASSERT_FALSE(alice->config_home().empty());
  EXPECT_FALSE(
      fs::exists(alice->config_home() + "/peerlink/lobby-run-" + std::to_string(alice->pid())));
}

}  // namespace
}  // namespace peerlink::testing
