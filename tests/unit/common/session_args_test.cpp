// Unit tests of the peer programs' session-mode options and of the lobby argv built from them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/handoff/lobby_exec.h"
#include "common/handoff/peer_args.h"

namespace peerlink {
namespace {

using Action = PeerArgsResult::Action;

std::vector<std::string> server_args() {
  return {"--session",        "--listen-fd",   "5",           "--peer", "alice", "--server",
          "broker.lan",       "--server-port", "12000",       "--user", "bob",   "--share",
          "/home/bob/shared", "--downloads",   "/home/bob/dl"};
}

std::vector<std::string> client_args() {
  return {"--session", "--host",   "10.0.0.7",   "--port",        "40123", "--peer",
          "bob",       "--server", "broker.lan", "--server-port", "12000", "--user",
          "alice",     "--share",  "s",          "--downloads",   "d"};
}

TEST(PeerArgs, ServerHandoffLine) {
  PeerArgs a;
  const PeerArgsResult r = parse_peer_args(PeerProgram::kServer, server_args(), &a);
  ASSERT_EQ(r.action, Action::kRun) << r.error;
  EXPECT_TRUE(a.session);
  EXPECT_EQ(a.listen_fd, 5);
  EXPECT_EQ(a.peer, "alice");
  EXPECT_EQ(a.server, "broker.lan");
  EXPECT_EQ(a.server_port, 12000);
  EXPECT_EQ(a.user, "bob");
  EXPECT_EQ(a.share, "/home/bob/shared");
  EXPECT_EQ(a.downloads, "/home/bob/dl");
  EXPECT_FALSE(a.no_lobby);
  EXPECT_EQ(a.wait_seconds, 60);
}

TEST(PeerArgs, ClientHandoffLine) {
  PeerArgs a;
  std::vector<std::string> args = client_args();
  args.insert(args.end(), {"--connect-timeout", "3", "--no-lobby"});
  const PeerArgsResult r = parse_peer_args(PeerProgram::kClient, args, &a);
  ASSERT_EQ(r.action, Action::kRun) << r.error;
  EXPECT_EQ(a.host, "10.0.0.7");
  EXPECT_EQ(a.port, 40123);
  EXPECT_EQ(a.peer, "bob");
  EXPECT_EQ(a.connect_timeout_seconds, 3);
  EXPECT_TRUE(a.no_lobby);
}

TEST(PeerArgs, NoLobbyMakesTheLobbyOptionsOptional) {
  PeerArgs a;
  const std::vector<std::string> args = {"--session", "--listen-fd", "3",   "--peer",
                                         "alice",     "--user",      "bob", "--downloads",
                                         "dl",        "--no-lobby"};
  EXPECT_EQ(parse_peer_args(PeerProgram::kServer, args, &a).action, Action::kRun);
  std::vector<std::string> without = args;
  without.pop_back();
  const PeerArgsResult r = parse_peer_args(PeerProgram::kServer, without, &a);
  EXPECT_EQ(r.action, Action::kError);
  EXPECT_EQ(r.error, "missing --server (or --no-lobby)");
}

TEST(PeerArgs, HelpWins) {
  PeerArgs a;
  EXPECT_EQ(parse_peer_args(PeerProgram::kClient, {"--port", "x", "--help"}, &a).action,
            Action::kHelp);
  EXPECT_EQ(parse_peer_args(PeerProgram::kClient, {"--help"}, &a).action, Action::kHelp);
  EXPECT_EQ(parse_peer_args(PeerProgram::kServer, {"-h"}, &a).action, Action::kHelp);
  EXPECT_NE(peer_usage(PeerProgram::kServer).find("--listen-fd"), std::string::npos);
  EXPECT_NE(peer_usage(PeerProgram::kClient).find("--connect-timeout"), std::string::npos);
}

struct BadCase {
  PeerProgram program;
  std::string option, value, error;
};

TEST(PeerArgs, ClearErrors) {
  const BadCase cases[] = {
      {PeerProgram::kServer, "--listen-fd", "2",
       "bad --listen-fd 2: not a descriptor number (3 or more)"},
      {PeerProgram::kServer, "--listen-fd", "x",
       "bad --listen-fd x: not a descriptor number (3 or more)"},
      {PeerProgram::kServer, "--wait", "0", "bad --wait 0: not a number of seconds (1-86400)"},
      {PeerProgram::kServer, "--peer", "-bad", "bad --peer -bad: not a valid user name"},
      {PeerProgram::kServer, "--server-port", "70000",
       "bad --server-port 70000: not a port (1-65535)"},
      {PeerProgram::kServer, "--host", "1.2.3.4", "unknown option --host"},
      {PeerProgram::kClient, "--listen-fd", "4", "unknown option --listen-fd"},
      {PeerProgram::kClient, "--port", "0", "bad --port 0: not a port (1-65535)"},
      {PeerProgram::kClient, "--user", "a b", "bad --user a b: not a valid user name"},
      {PeerProgram::kClient, "--connect-timeout", "-1",
       "bad --connect-timeout -1: not a number of seconds (1-86400)"},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args =
        c.program == PeerProgram::kServer ? server_args() : client_args();
    args.push_back(c.option);
    args.push_back(c.value);
    PeerArgs a;
    const PeerArgsResult r = parse_peer_args(c.program, args, &a);
    EXPECT_EQ(r.action, Action::kError) << c.option;
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(PeerArgs, MissingPieces) {
  PeerArgs a;
  EXPECT_EQ(parse_peer_args(PeerProgram::kServer, {}, &a).error, "missing --session");
  EXPECT_EQ(parse_peer_args(PeerProgram::kServer, {"--session"}, &a).error, "missing --listen-fd");
  EXPECT_EQ(parse_peer_args(PeerProgram::kClient, {"--session", "--host", "h"}, &a).error,
            "missing --port");
  EXPECT_EQ(parse_peer_args(PeerProgram::kClient, {"--session", "--peer"}, &a).error,
            "--peer needs a value");
  std::vector<std::string> args = client_args();
  args.erase(args.begin() + 5, args.begin() + 7);  // --peer bob
  EXPECT_EQ(parse_peer_args(PeerProgram::kClient, args, &a).error, "missing --peer");
}

TEST(LobbyArgv, MatchesTheHandoffContract) {
  PeerArgs a;
  ASSERT_EQ(parse_peer_args(PeerProgram::kServer, server_args(), &a).action, Action::kRun);
  const std::vector<std::string> expected = {
      "_c",      "broker.lan",       "12000",       "--user",      "bob",
      "--share", "/home/bob/shared", "--downloads", "/home/bob/dl"};
  EXPECT_EQ(lobby_argv(a), expected);
}

}  // namespace
}  // namespace peerlink
