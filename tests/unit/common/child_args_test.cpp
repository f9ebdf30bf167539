// Unit tests of the command lines of the lobby's background children: `_peer_server --serve`
// (common/handoff/serve_args.h) and `_peer_client --fetch` (common/handoff/fetch_args.h). The
// argv the lobby builds must read back as what it meant.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/handoff/fetch_args.h"
#include "common/handoff/serve_args.h"

namespace peerlink {
namespace {

std::vector<std::string> with(std::vector<std::string> argv, std::vector<std::string> extra) {
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(ServeArgs, ArgvRoundTrip) {
  ServeArgs lobby;  // what the lobby starts
  lobby.listen_fd = 4;
  lobby.share = "/home/bob/my shared";
  lobby.user = "bob";
  lobby.parent_pid = 1234;
  ServeArgs full;  // every option
  full.use_port = true;
  full.port = 0;
  full.bind = "::1";
  full.share = "-s";
  full.user = "bob";
  full.log = "/tmp/serve.log";
  full.max_clients = 3;
  full.parent_pid = 77;
  full.max_rate = 1048576;
  full.idle_timeout_ms = 5000;
  full.secret_fd = 9;
  for (const ServeArgs& a : {lobby, full}) {
    const std::vector<std::string> argv = a.to_argv();
    ASSERT_GE(argv.size(), 2u);
    EXPECT_EQ(argv[0], "_peer_server");
    EXPECT_EQ(argv[1], "--serve");
    ServeArgs back;
    const ArgsOutcome r = parse_serve_args(argv, &back);
    ASSERT_TRUE(r.go_on()) << r.text();
    EXPECT_EQ(back, a);
  }
  EXPECT_EQ(lobby.to_argv(), (std::vector<std::string>{"_peer_server", "--serve", "--listen-fd",
                                                       "4", "--share", "/home/bob/my shared",
                                                       "--user", "bob", "--parent-pid", "1234"}));
}

TEST(ServeArgs, Errors) {
  const std::vector<std::string> base = {"_peer_server", "--serve", "--share", "s", "--user", "u"};
  auto problem = [](const std::vector<std::string>& argv) {
    ServeArgs a;
    const ArgsOutcome r = parse_serve_args(argv, &a);
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_EQ(r.text(),
              "_peer_server: " + r.problem().message() + " (see _peer_server --serve --help)\n");
    return r.problem().message();
  };
  EXPECT_EQ(problem(base), "give exactly one of --listen-fd and --port");
  EXPECT_EQ(problem(with(base, {"--port", "0", "--listen-fd", "3"})),
            "give exactly one of --listen-fd and --port");
  EXPECT_EQ(problem(with(base, {"--port"})), "--port needs a value");
  EXPECT_EQ(problem(with(base, {"--port", "x"})), "--port: not a port number: x");
  EXPECT_EQ(problem(with(base, {"--port", "0", "--bogus", "1"})), "unknown option --bogus");
  EXPECT_EQ(problem(with(base, {"--port", "0", "--max-clients", "0"})),
            "--max-clients: not a number in 1..4096: 0");
  EXPECT_EQ(problem(with(base, {"--port", "0", "--secret-fd", "2"})),
            "--secret-fd: not a number in 3..1000000: 2");
  EXPECT_EQ(problem({"_peer_server", "--serve", "--port", "0", "--user", "u"}),
            "--share DIR is required");
  EXPECT_EQ(problem({"_peer_server", "--serve", "--port", "0", "--share", "s", "--user", "-x"}),
            "--user needs a valid user name");

  ServeArgs a;
  const ArgsOutcome help = parse_serve_args({"_peer_server", "--serve", "--help"}, &a);
  EXPECT_EQ(help.action(), ArgsOutcome::Action::kHelp);
  EXPECT_EQ(help.text(), serve_usage());
  EXPECT_EQ(help.text().rfind("usage: _peer_server --serve", 0), 0u);
}

TEST(FetchArgs, ArgvRoundTrip) {
  FetchArgs lobby;
  lobby.name = "my notes.txt";
  lobby.size = 12345;
  lobby.sha256 = std::string(64, 'a');
  lobby.downloads = "/home/alice/downloads";
  lobby.user = "alice";
  lobby.progress_fd = STDERR_FILENO;  // must be open
  FetchArgs full = lobby;
  full.name = "-dash";
  full.size = 0;
  full.parallel = 2;
  full.secret_fd = 5;
  full.progress_fd = -1;
  for (const FetchArgs& a : {lobby, full}) {
    const std::vector<std::string> argv = a.to_argv();
    ASSERT_GE(argv.size(), 2u);
    EXPECT_EQ(argv[0], "_peer_client");
    EXPECT_EQ(argv[1], "--fetch");
    FetchArgs back;
    const ArgsOutcome r = parse_fetch_args(argv, &back);
    ASSERT_TRUE(r.go_on()) << r.text();
    EXPECT_EQ(back, a);
  }
}

TEST(FetchArgs, Errors) {
  const std::vector<std::string> base = {
      "_peer_client",       "--fetch",     "--name", "x", "--size", "1", "--sha256",
      std::string(64, 'b'), "--downloads", "d"};
  auto problem = [](const std::vector<std::string>& argv) {
    FetchArgs a;
    const ArgsOutcome r = parse_fetch_args(argv, &a);
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_EQ(r.text(),
              "_peer_client: " + r.problem().message() + " (see _peer_client --fetch --help)\n");
    return r.problem().message();
  };
  EXPECT_EQ(problem(base), "--user needs a valid user name");
  EXPECT_EQ(problem({"_peer_client", "--fetch", "--user", "u"}), "--name is required");
  EXPECT_EQ(problem({"_peer_client", "--fetch", "--name", "x"}), "--size is required");
  EXPECT_EQ(problem(with(base, {"--user", "u", "--size", "-1"})),
            "--size: not a number in 0..18446744073709551615: -1");
  EXPECT_EQ(problem(with(base, {"--user", "u", "--sha256", "abc"})),
            "--sha256: not 64 hex digits: abc");
  EXPECT_EQ(problem(with(base, {"--user", "u", "--progress-fd", "999"})),
            "--progress-fd: not an open descriptor: 999");
  EXPECT_EQ(problem(with(base, {"--user", "u", "--parallel", "65"})),
            "--parallel: not a number in 1..64: 65");
  FetchArgs a;
  EXPECT_TRUE(parse_fetch_args(with(base, {"--user", "u"}), &a).go_on());
  EXPECT_EQ(a.sha256, std::string(64, 'b'));
}

}  // namespace
}  // namespace peerlink
