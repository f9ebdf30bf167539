// Unit tests of the peer programs' session-mode options and of the lobby argv built from them.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "common/handoff/lobby_exec.h"
#include "common/handoff/peer_args.h"

namespace peerlink {
namespace {

using Action = ArgsOutcome::Action;

// parse_peer_args() on `args` (argv without the program name), the outcome's action and
// problem.
struct Parsed {
  Action action = Action::kUsageError;
  std::string error;
};

Parsed parse(PeerProgram program, std::vector<std::string> args, PeerArgs* out) {
  args.insert(args.begin(), program == PeerProgram::kServer ? "_peer_server" : "_peer_client");
  const ArgsOutcome r = parse_peer_args(program, args, out);
  return {r.action(), r.problem().message()};
}

// The peers' public keys as the broker vouches for them.
const std::string kAliceKey = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const std::string kBobKey = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

std::vector<std::string> server_args() {
  return {"--session",        "--listen-fd",   "5",
          "--peer",           "alice",         "--server",
          "broker.lan",       "--server-port", "12000",
          "--user",           "bob",           "--share",
          "/home/bob/shared", "--downloads",   "/home/bob/dl",
          "--peer-key",       kAliceKey};
}

std::vector<std::string> client_args() {
  return {"--session",   "--host", "10.0.0.7",   "--port",     "40123",
          "--peer",      "bob",    "--server",   "broker.lan", "--server-port",
          "12000",       "--user", "alice",      "--share",    "s",
          "--downloads", "d",      "--peer-key", kBobKey};
}

TEST(PeerArgs, ServerHandoffLine) {
  PeerArgs a;
  const Parsed r = parse(PeerProgram::kServer, server_args(), &a);
  ASSERT_EQ(r.action, Action::kRun) << r.error;
  EXPECT_TRUE(a.session);
  EXPECT_EQ(a.listen_fd, 5);
  EXPECT_EQ(a.peer, "alice");
  EXPECT_EQ(a.peer_key, kAliceKey);
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
  const Parsed r = parse(PeerProgram::kClient, args, &a);
  ASSERT_EQ(r.action, Action::kRun) << r.error;
  EXPECT_EQ(a.host, "10.0.0.7");
  EXPECT_EQ(a.port, 40123);
  EXPECT_EQ(a.peer, "bob");
  EXPECT_EQ(a.peer_key, kBobKey);
  EXPECT_EQ(a.connect_timeout_seconds, 3);
  EXPECT_TRUE(a.no_lobby);
}

TEST(PeerArgs, NoLobbyMakesTheLobbyOptionsOptional) {
  PeerArgs a;
  const std::vector<std::string> args = {"--session", "--listen-fd", "3",       "--peer",
                                         "alice",     "--peer-key",  kAliceKey, "--user",
                                         "bob",       "--downloads", "dl",      "--no-lobby"};
  EXPECT_EQ(parse(PeerProgram::kServer, args, &a).action, Action::kRun);
  std::vector<std::string> without = args;
  without.pop_back();
  const Parsed r = parse(PeerProgram::kServer, without, &a);
  EXPECT_EQ(r.action, Action::kUsageError);
  EXPECT_EQ(r.error, "missing --server (or --no-lobby)");
}

TEST(PeerArgs, HelpWins) {
  PeerArgs a;
  EXPECT_EQ(parse(PeerProgram::kClient, {"--port", "x", "--help"}, &a).action, Action::kHelp);
  EXPECT_EQ(parse(PeerProgram::kClient, {"--help"}, &a).action, Action::kHelp);
  EXPECT_EQ(parse(PeerProgram::kServer, {"-h"}, &a).action, Action::kHelp);
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
      {PeerProgram::kClient, "--peer-key", "abc", "bad --peer-key abc: not 64 hex digits"},
      {PeerProgram::kServer, "--peer-key", kAliceKey + "00",
       "bad --peer-key " + kAliceKey + "00: not 64 hex digits"},
      {PeerProgram::kServer, "--peer-key", "-", "bad --peer-key -: not 64 hex digits"},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args =
        c.program == PeerProgram::kServer ? server_args() : client_args();
    args.push_back(c.option);
    args.push_back(c.value);
    PeerArgs a;
    const Parsed r = parse(c.program, args, &a);
    EXPECT_EQ(r.action, Action::kUsageError) << c.option;
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(PeerArgs, MissingPieces) {
  PeerArgs a;
  EXPECT_EQ(parse(PeerProgram::kServer, {}, &a).error, "missing --session");
  EXPECT_EQ(parse(PeerProgram::kServer, {"--session"}, &a).error, "missing --listen-fd");
  EXPECT_EQ(parse(PeerProgram::kClient, {"--session", "--host", "h"}, &a).error, "missing --port");
  EXPECT_EQ(parse(PeerProgram::kClient, {"--session", "--peer"}, &a).error, "--peer needs a value");
  std::vector<std::string> args = client_args();
  args.erase(args.begin() + 5, args.begin() + 7);  // --peer bob
  EXPECT_EQ(parse(PeerProgram::kClient, args, &a).error, "missing --peer");
  args = server_args();
  args.resize(args.size() - 2);  // --peer-key
  EXPECT_EQ(parse(PeerProgram::kServer, args, &a).error, "missing --peer-key");
}

// A key is kept in lower case, the form every other place writes and compares.
TEST(PeerArgs, PeerKeyIsKeptInLowerCase) {
  std::vector<std::string> args = client_args();
  std::string upper = kBobKey;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  args.back() = upper;
  PeerArgs a;
  ASSERT_EQ(parse(PeerProgram::kClient, args, &a).action, Action::kRun);
  EXPECT_EQ(a.peer_key, kBobKey);
}

TEST(LobbyArgv, MatchesTheHandoffContract) {
  PeerArgs a;
  ASSERT_EQ(parse(PeerProgram::kServer, server_args(), &a).action, Action::kRun);
  const std::vector<std::string> expected = {
      "_c",      "broker.lan",       "12000",       "--user",      "bob",
      "--share", "/home/bob/shared", "--downloads", "/home/bob/dl"};
  EXPECT_EQ(lobby_argv(a), expected);
}

// The argv the lobby builds reads back as the same arguments, on both sides.
TEST(PeerArgs, ArgvRoundTrip) {
  PeerArgs server;
  server.session = true;
  server.listen_fd = 5;
  server.peer = "alice";
  server.peer_key = kAliceKey;
  server.server = "broker.lan";
  server.server_port = 12000;
  server.user = "bob";
  server.share = "/home/bob/my shared";
  server.downloads = "-dl";  // a value may start with a dash
  server.secret_fd = 7;
  PeerArgs server_waiting = server;
  server_waiting.wait_seconds = 5;
  server_waiting.no_lobby = true;
  server_waiting.broker_key = std::string(64, 'f');
  server_waiting.identity = "/home/bob/id.key";

  PeerArgs client = server;
  client.listen_fd = -1;
  client.host = "fe80::1";
  client.port = 40123;
  client.plaintext = true;
  client.bytes = true;
  client.strict = true;
  client.no_wait = true;
  client.identity = "-id";
  PeerArgs client_alone = client;
  client_alone.connect_timeout_seconds = 2;
  client_alone.no_lobby = true;
  client_alone.server.clear();
  client_alone.server_port = 0;
  client_alone.share.clear();

  for (const auto& [program, a] :
       std::vector<std::pair<PeerProgram, PeerArgs>>{{PeerProgram::kServer, server},
                                                     {PeerProgram::kServer, server_waiting},
                                                     {PeerProgram::kClient, client},
                                                     {PeerProgram::kClient, client_alone}}) {
    const std::vector<std::string> argv = a.to_argv(program);
    ASSERT_FALSE(argv.empty());
    EXPECT_EQ(argv[0], program == PeerProgram::kServer ? "_peer_server" : "_peer_client");
    PeerArgs back;
    const ArgsOutcome r = parse_peer_args(program, argv, &back);
    ASSERT_TRUE(r.go_on()) << r.text();
    EXPECT_EQ(back, a) << argv.size();
  }
  // The hand-off contract's order (docs/HANDOFF.md).
  const std::vector<std::string> expected = {
      "_peer_server", "--session",  "--listen-fd",   "5",
      "--peer",       "alice",      "--peer-key",    kAliceKey,
      "--server",     "broker.lan", "--server-port", "12000",
      "--user",       "bob",        "--share",       "/home/bob/my shared",
      "--downloads",  "-dl",        "--secret-fd",   "7"};
  EXPECT_EQ(server.to_argv(PeerProgram::kServer), expected);
}

// The way back: the lobby argv a peer program builds is what _c parses.
TEST(LobbyArgv, RoundTripsThroughTheLobbyParser) {
  PeerArgs a;
  ASSERT_EQ(parse(PeerProgram::kServer, server_args(), &a).action, Action::kRun);
  LobbyArgs lobby;
  const ArgsOutcome r = parse_lobby_args(lobby_argv(a), &lobby);
  ASSERT_TRUE(r.go_on()) << r.text();
  EXPECT_EQ(lobby, a.lobby());
  EXPECT_EQ(lobby.host, "broker.lan");
  EXPECT_EQ(lobby.port, 12000);
  EXPECT_EQ(lobby.user, "bob");
  EXPECT_EQ(lobby.share, "/home/bob/shared");
  EXPECT_EQ(lobby.downloads, "/home/bob/dl");
}

// The lobby's key options go through a session and back to the lobby unchanged.
TEST(LobbyArgv, CarriesTheKeyOptions) {
  const std::string fp(64, 'c');
  std::vector<std::string> args = server_args();
  args.insert(args.end(), {"--broker-key", "SHA256:" + std::string(64, 'C'), "--identity", "me.key",
                           "--plaintext"});
  PeerArgs a;
  ASSERT_EQ(parse(PeerProgram::kServer, args, &a).action, Action::kRun);
  EXPECT_EQ(a.broker_key, fp);
  EXPECT_EQ(a.identity, "me.key");
  EXPECT_TRUE(a.plaintext);
  LobbyArgs lobby;
  const ArgsOutcome r = parse_lobby_args(lobby_argv(a), &lobby);
  ASSERT_TRUE(r.go_on()) << r.text();
  EXPECT_EQ(lobby, a.lobby());
  EXPECT_EQ(lobby.broker_key, fp);
  EXPECT_EQ(lobby.identity, "me.key");
  EXPECT_TRUE(lobby.plaintext);
  PeerArgs bad;
  EXPECT_EQ(parse(PeerProgram::kClient, {"--broker-key", "12"}, &bad).error,
            "bad --broker-key 12: not a fingerprint: 2 hex digits, 64 expected");
  EXPECT_EQ(parse(PeerProgram::kClient, {"--identity", ""}, &bad).error, "--identity needs a file");
}

// The lobby's output and script options go through a session and back to the lobby too.
TEST(LobbyArgv, CarriesTheScriptOptions) {
  std::vector<std::string> args = server_args();
  args.insert(args.end(), {"--bytes", "--strict", "--no-wait"});
  PeerArgs a;
  ASSERT_EQ(parse(PeerProgram::kServer, args, &a).action, Action::kRun);
  EXPECT_TRUE(a.bytes && a.strict && a.no_wait);
  LobbyArgs lobby;
  const ArgsOutcome r = parse_lobby_args(lobby_argv(a), &lobby);
  ASSERT_TRUE(r.go_on()) << r.text();
  EXPECT_EQ(lobby, a.lobby());
  EXPECT_TRUE(lobby.bytes && lobby.strict && lobby.no_wait);
}

TEST(PeerArgs, VersionAndUnknownOptions) {
  PeerArgs a;
  const ArgsOutcome v = parse_peer_args(PeerProgram::kServer, {"_peer_server", "--version"}, &a);
  EXPECT_EQ(v.action(), Action::kVersion);
  EXPECT_EQ(v.text(), std::string("_peer_server (peerlink) ") + PEERLINK_VERSION + "\n");
  const ArgsOutcome u = parse_peer_args(PeerProgram::kClient, {"_peer_client", "--bogus"}, &a);
  EXPECT_EQ(u.exit_code(), 2);
  EXPECT_EQ(u.text(), "_peer_client: unknown option --bogus (see _peer_client --help)\n");
}

}  // namespace
}  // namespace peerlink
