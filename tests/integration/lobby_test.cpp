// Integration tests of the lobby client `_c` against the real broker `_s` on loopback.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/net/net.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;

// A port nobody listens on: bound by us, then closed.
uint16_t closed_port() {
  Expected<UniqueFd> s = listen_tcp("127.0.0.1", 0);
  uint16_t port = local_port(s->get());
  return port;
}

// Everything the process printed, once its output has reached end of file (the capture thread
// may still be reading when the process has already exited). wait_line() on a needle that never
// appears returns only at EOF (or timeout).
std::string all_output(Process* p) {
  p->wait_line("\x01never printed\x01", kDefaultWait);
  return p->output();
}

int exit_status(std::optional<int> st) {
  if (!st || !WIFEXITED(*st)) return -1;
  return WEXITSTATUS(*st);
}

class LobbyTest : public ::testing::Test {
 protected:
  void SetUp() override { start_broker_with({}); }

  void start_broker_with(const std::vector<std::string>& extra) {
    broker_ = start_broker(dir_.path(), extra);
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  // The shared folder of `name` (created).
  std::string share_of(const std::string& name) {
    std::string d = dir_.file("share-" + name);
    fs::create_directories(d);
    return d;
  }

  std::vector<std::string> client_argv(const std::string& name, const std::string& host = "") {
    return {bin_path("_c"),
            host.empty() ? "127.0.0.1" : host,
            std::to_string(broker_.port),
            "--user",
            name,
            "--share",
            share_of(name),
            "--downloads",
            dir_.file("downloads-" + name)};
  }

  // Starts `_c` as `name` and waits until it has registered.
  std::unique_ptr<Process> client(const std::string& name) {
    auto p = Process::start(client_argv(name));
    EXPECT_TRUE(p != nullptr);
    if (p) {
      EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
    }
    return p;
  }

  TempDir dir_;
  BrokerProcess broker_;
};

TEST_F(LobbyTest, TwoClientsRegisterAndSeeEachOther) {
  auto alice = client("alice");
  auto bob = client("bob");
  ASSERT_TRUE(alice->wait_line("* bob joined"));
  alice->write_line("users");
  ASSERT_TRUE(alice->wait_line("2 users online:")) << alice->output();
  auto first = alice->wait_line("  ");
  auto second = alice->wait_line("  ");
  ASSERT_TRUE(first && second) << alice->output();
  EXPECT_EQ(first->rfind("  alice  127.0.0.1:", 0), 0u) << *first;
  EXPECT_NE(first->find("(you)"), std::string::npos) << *first;
  EXPECT_EQ(second->rfind("  bob  127.0.0.1:", 0), 0u) << *second;

  bob->write_line("1");  // the menu number of `users`
  ASSERT_TRUE(bob->wait_line("2 users online:")) << bob->output();
  EXPECT_TRUE(bob->wait_line("  alice  127.0.0.1:"));
}

TEST_F(LobbyTest, InfoShowsAddress) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("info bob");
  auto line = alice->wait_line("bob is at ");
  ASSERT_TRUE(line) << alice->output();
  EXPECT_EQ(line->rfind("bob is at 127.0.0.1:", 0), 0u) << *line;
  // A number without its argument asks for it on the next line.
  alice->write_line("2");
  ASSERT_TRUE(alice->wait_line("info on which user?"));
  alice->write_line("alice");
  EXPECT_TRUE(alice->wait_line("alice is at 127.0.0.1:")) << alice->output();
}

TEST_F(LobbyTest, TakenNameAsksAgain) {
  auto alice = client("alice");
  auto second = Process::start(client_argv("alice"));
  ASSERT_TRUE(second->wait_line("name alice is taken")) << second->output();
  second->write_line("alice2");
  ASSERT_TRUE(second->wait_line("registered as alice2 on")) << second->output();
  EXPECT_TRUE(alice->wait_line("* alice2 joined"));
}

TEST_F(LobbyTest, TakenNameWithoutMoreInputExitsNonZero) {
  auto alice = client("alice");
  auto second = Process::start(client_argv("alice"));
  second->close_stdin();
  EXPECT_TRUE(second->wait_line("name alice is taken and no other name was given"))
      << second->output();
  EXPECT_EQ(exit_status(second->wait_exit()), 1);
}

TEST_F(LobbyTest, MissingNameIsAskedFor) {
  auto argv = client_argv("x");
  argv.erase(argv.begin() + 3, argv.begin() + 5);  // drop --user x
  auto p = Process::start(argv);
  ASSERT_TRUE(p->wait_line("your user name:")) << p->output();
  p->write_line("not valid!");
  ASSERT_TRUE(p->wait_line("bad user name")) << p->output();
  p->write_line("carol");
  EXPECT_TRUE(p->wait_line("registered as carol on")) << p->output();
}

TEST_F(LobbyTest, MissingSharedFolderIsAskedAgain) {
  auto argv = client_argv("dora");
  argv[6] = dir_.file("no-such-folder");
  auto p = Process::start(argv);
  ASSERT_TRUE(p->wait_line("does not exist")) << p->output();
  ASSERT_TRUE(p->wait_line("folder to share:")) << p->output();
  p->write_line(share_of("dora"));
  p->write_line("users");
  EXPECT_TRUE(p->wait_line("1 user online:")) << p->output();
}

// The folders are checked before registering: nobody sees a lobby join and leave while it
// complains. Without a terminal its errors go to stderr, its results to stdout.
TEST_F(LobbyTest, FoldersAreCheckedBeforeRegisteringAndErrorsGoToStderr) {
  auto alice = client("alice");
  std::vector<std::string> argv = client_argv("dora");
  argv[6] = dir_.file("no-such-folder");
  std::string command = "exec";
  for (const std::string& a : argv) command += " '" + a + "'";
  command += " 2>'" + dir_.file("dora.err") + "'";
  auto dora = Process::start({"/bin/sh", "-c", command});
  ASSERT_TRUE(dora->wait_line("folder to share:")) << dora->output();
  dora->close_stdin();
  EXPECT_EQ(exit_status(dora->wait_exit()), 1) << dora->output();
  const std::string out = dora->output();
  EXPECT_EQ(out.find("does not exist"), std::string::npos) << out;
  EXPECT_EQ(out.find("registered as"), std::string::npos) << out;
  std::optional<std::string> err = read_file(dir_.file("dora.err"));
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("shared folder " + dir_.file("no-such-folder") + " does not exist\n"),
            std::string::npos)
      << *err;
  EXPECT_NE(err->find("no shared folder given (input closed)\n"), std::string::npos) << *err;
  EXPECT_EQ(err->find("folder to share:"), std::string::npos) << *err;

  auto erin = client("erin");  // alice hears of erin, and so would have heard of dora before
  ASSERT_TRUE(alice->wait_line("* erin joined")) << alice->output();
  EXPECT_FALSE(alice->saw("dora")) << alice->output();
}

// `share` (and the start) says in one line what the scan left out and why.
TEST_F(LobbyTest, ShareReportsWhatItSkipped) {
  const std::string share = share_of("gina");
  ASSERT_TRUE(write_file(share + "/song.ogg", "la la"));
  ASSERT_TRUE(write_file(share + "/.secret", "hidden"));
  fs::create_directories(share + "/photos");
  ASSERT_TRUE(write_file(dir_.file("outside.txt"), "not shared"));
  fs::create_symlink(dir_.file("outside.txt"), share + "/outside-link");
  auto gina = client("gina");
  const std::string line =
      "sharing 1 file from " + share + "; skipped 3 (1 hidden, 1 subfolder, 1 symlink)";
  ASSERT_TRUE(gina->wait_line(line)) << gina->output();
  gina->write_line("share");
  EXPECT_TRUE(gina->wait_line(line)) << gina->output();
  gina->write_line("info gina");  // a round trip: anything the rescan said is out by now
  ASSERT_TRUE(gina->wait_line("gina is at ")) << gina->output();
  EXPECT_EQ(gina->output().find("skipped .secret"), std::string::npos) << gina->output();
}

TEST_F(LobbyTest, UnknownUserGivesErrorLine) {
  auto alice = client("alice");
  alice->write_line("chat nobody");
  EXPECT_TRUE(alice->wait_line("nobody: no such user")) << alice->output();
  alice->write_line("info nobody");
  EXPECT_TRUE(alice->wait_line("nobody: no such user")) << alice->output();
  alice->write_line("chat alice");
  EXPECT_TRUE(alice->wait_line("you cannot chat with yourself")) << alice->output();
  alice->write_line("frobnicate");
  EXPECT_TRUE(alice->wait_line("unknown command: frobnicate")) << alice->output();
}

TEST_F(LobbyTest, BrokerNotRunningGivesOneClearLine) {
  uint16_t port = closed_port();
  auto p = Process::start(
      {bin_path("_c"), "127.0.0.1", std::to_string(port), "--user", "a", "--share", share_of("a")});
  auto st = p->wait_exit();
  EXPECT_EQ(exit_status(st), 1);
  std::string expected =
      "cannot reach 127.0.0.1:" + std::to_string(port) + ": connection refused — is _s running?\n";
  EXPECT_EQ(all_output(p.get()), expected);
}

TEST_F(LobbyTest, ChatRequestDeclined) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("chat bob");
  ASSERT_TRUE(alice->wait_line("asked bob to chat, waiting for an answer")) << alice->output();
  ASSERT_TRUE(bob->wait_line("alice wants to chat — accept? [y/n]")) << bob->output();
  bob->write_line("n");
  EXPECT_TRUE(bob->wait_line("declined alice's request")) << bob->output();
  EXPECT_TRUE(alice->wait_line("bob declined")) << alice->output();
  // Both stay in the lobby.
  alice->write_line("users");
  EXPECT_TRUE(alice->wait_line("2 users online:"));
  bob->write_line("y");
  EXPECT_TRUE(bob->wait_line("no request to answer"));
}

TEST_F(LobbyTest, ChatRequestWithdrawnWhenRequesterLeaves) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("3 bob");  // menu number of `chat`, with its argument
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  alice->write_line("quit");
  EXPECT_EQ(exit_status(alice->wait_exit()), 0);
  EXPECT_TRUE(bob->wait_line("request from alice withdrawn (alice left)")) << bob->output();
}

TEST_F(LobbyTest, RequesterToldWhenTargetLeaves) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  bob->close_stdin();
  EXPECT_EQ(exit_status(bob->wait_exit()), 0);
  EXPECT_TRUE(alice->wait_line("bob left")) << alice->output();
}

TEST_F(LobbyTest, JoinAndLeaveNotifications) {
  auto alice = client("alice");
  {
    auto bob = client("bob");
    ASSERT_TRUE(alice->wait_line("* bob joined")) << alice->output();
    bob->write_line("quit");
    EXPECT_TRUE(bob->wait_line("bye"));
    EXPECT_EQ(exit_status(bob->wait_exit()), 0);
  }
  EXPECT_TRUE(alice->wait_line("* bob left")) << alice->output();
}

TEST_F(LobbyTest, WorksFromAnotherWorkingDirectory) {
  TempDir cwd;
  fs::create_directories(cwd.file("mine"));
  Process::Options opts;
  opts.cwd = cwd.path();
  // Relative share folder, default downloads: both relative to the working directory.
  auto p = Process::start({bin_path("_c"), "127.0.0.1", std::to_string(broker_.port), "--user",
                           "erin", "--share", "mine"},
                          opts);
  ASSERT_TRUE(p->wait_line("registered as erin on")) << p->output();
  p->write_line("users");
  EXPECT_TRUE(p->wait_line("  erin  127.0.0.1:")) << p->output();
  EXPECT_TRUE(fs::is_directory(cwd.file("downloads")));
  p->write_line("quit");
  EXPECT_EQ(exit_status(p->wait_exit()), 0);
}

TEST_F(LobbyTest, ClosedStdinExitsCleanly) {
  auto alice = client("alice");
  alice->close_stdin();
  EXPECT_EQ(exit_status(alice->wait_exit()), 0) << alice->output();
  auto bob = client("bob");
  bob->write_line("users");
  EXPECT_TRUE(bob->wait_line("1 user online:")) << bob->output();
}

TEST_F(LobbyTest, HostNameResolves) {
  auto p = Process::start(client_argv("fred", "localhost"));
  EXPECT_TRUE(p->wait_line("registered as fred on localhost:")) << p->output();
}

TEST_F(LobbyTest, HelpAndVersion) {
  auto help = Process::start({bin_path("_c"), "--help"});
  EXPECT_EQ(exit_status(help->wait_exit()), 0);
  EXPECT_NE(all_output(help.get()).find("usage: _c <server-host> <server-port>"),
            std::string::npos);
  auto version = Process::start({bin_path("_c"), "--version"});
  EXPECT_EQ(exit_status(version->wait_exit()), 0);
  EXPECT_EQ(all_output(version.get()).rfind("_c (peerlink) ", 0), 0u);
  auto bad = Process::start({bin_path("_c"), "127.0.0.1"});
  EXPECT_EQ(exit_status(bad->wait_exit()), 2);

  auto alice = client("alice");
  alice->write_line("help");
  EXPECT_TRUE(alice->wait_line(
      "commands: users, info USER, chat USER, files [USER], search TEXT, get NAME [USER], send "
      "PATH USER..., share, transfers, help, quit"));
  EXPECT_TRUE(
      alice->wait_line("answer a chat request or a file offer with y or n; with several "
                       "open, y/n answers the oldest"));
}

class LobbyTimeoutTest : public LobbyTest {
 protected:
  void SetUp() override { start_broker_with({"--request-timeout", "1"}); }
};

TEST_F(LobbyTimeoutTest, ChatRequestTimesOut) {
  auto alice = client("alice");
  auto bob = client("bob");
  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  EXPECT_TRUE(alice->wait_line("bob did not answer")) << alice->output();
  EXPECT_TRUE(bob->wait_line("request from alice timed out")) << bob->output();
  // The answer after the timeout finds nothing to answer.
  bob->write_line("y");
  EXPECT_TRUE(bob->wait_line("no request to answer"));
}

TEST_F(LobbyTest, ReconnectsWhenTheBrokerComesBack) {
  auto alice = client("alice");
  uint16_t port = broker_.port;
  broker_.proc->kill(SIGTERM);
  ASSERT_TRUE(broker_.proc->wait_exit());
  EXPECT_TRUE(alice->wait_line("the broker is shutting down")) << alice->output();
  EXPECT_TRUE(alice->wait_line("lost the connection to the broker")) << alice->output();
  alice->write_line("users");
  EXPECT_TRUE(alice->wait_line("not connected to the broker")) << alice->output();
  TempDir log2;
  // A restarted broker keeps its key (its state dir's broker.key): the lobby pinned it.
  broker_ =
      start_broker(log2.path(), {"--port", std::to_string(port), "--key", dir_.file("broker.key")});
  ASSERT_EQ(broker_.port, port);
  ASSERT_TRUE(alice->wait_line("registered as alice on", milliseconds(20000))) << alice->output();
  alice->write_line("users");
  EXPECT_TRUE(alice->wait_line("1 user online:")) << alice->output();
}

TEST_F(LobbyTest, GivesUpAfterBoundedAttempts) {
  auto argv = client_argv("alice");
  argv.push_back("--reconnect-attempts");
  argv.push_back("2");
  auto alice = Process::start(argv);
  ASSERT_TRUE(alice->wait_line("registered as alice on"));
  broker_.proc->kill(SIGTERM);
  EXPECT_TRUE(alice->wait_line("reconnect attempt 1 of 2 failed")) << alice->output();
  EXPECT_TRUE(alice->wait_line("after 2 attempts")) << alice->output();
  EXPECT_EQ(exit_status(alice->wait_exit()), 1);
}

TEST(LobbyIpv6Test, RegistersOverIpv6) {
  TempDir dir;
  BrokerProcess broker = start_broker(dir.path(), {"--bind", "::1"});
  if (broker.port == 0) GTEST_SKIP() << "no IPv6 loopback here";
  fs::create_directories(dir.file("share"));
  auto p = Process::start({bin_path("_c"), "::1", std::to_string(broker.port), "--user", "v6",
                           "--share", dir.file("share"), "--downloads", dir.file("dl")});
  ASSERT_TRUE(p->wait_line("registered as v6 on [::1]:")) << p->output();
  p->write_line("users");
  EXPECT_TRUE(p->wait_line("  v6  [::1]:")) << p->output();
}

// "[::1]", the form the programs print, works wherever "::1" does: _s --bind, _c's host.
TEST(LobbyIpv6Test, BracketedAddressesAreAccepted) {
  TempDir dir;
  {
    BrokerProcess plain = start_broker(dir.path(), {"--bind", "::1"});
    if (plain.port == 0) GTEST_SKIP() << "no IPv6 loopback here";
  }
  BrokerProcess broker = start_broker(dir.path(), {"--bind", "[::1]"});
  ASSERT_NE(broker.port, 0) << "_s --bind [::1] did not start";
  fs::create_directories(dir.file("share"));
  auto p = Process::start({bin_path("_c"), "[::1]", std::to_string(broker.port), "--user", "v6",
                           "--share", dir.file("share"), "--downloads", dir.file("dl")});
  ASSERT_TRUE(p->wait_line("registered as v6 on [::1]:" + std::to_string(broker.port)))
      << p->output();
  p->write_line("users");
  EXPECT_TRUE(p->wait_line("  v6  [::1]:")) << p->output();
}

}  // namespace
}  // namespace peerlink::testing
