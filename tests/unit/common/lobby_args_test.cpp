// Unit tests of `_c`'s command line: its parsing, and the argv the peer programs build from it.
#include "common/handoff/lobby_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/net/net.h"

namespace peerlink {
namespace {

struct Parsed {
  bool go_on = false;
  int exit_code = -1;
  std::string message;
  LobbyArgs options;
};

Parsed parse(std::vector<const char*> args) {
  args.insert(args.begin(), "_c");
  Parsed p;
  const ArgsOutcome r =
      parse_lobby_args(std::vector<std::string>(args.begin(), args.end()), &p.options);
  p.go_on = r.go_on();
  p.exit_code = r.exit_code();
  p.message = r.text();
  return p;
}

TEST(LobbyArgs, HostAndPortOnly) {
  Parsed p = parse({"10.0.0.5", "12000"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.host, "10.0.0.5");
  EXPECT_EQ(p.options.port, 12000);
  EXPECT_EQ(p.options.user, "");
  EXPECT_EQ(p.options.share, "");
  EXPECT_EQ(p.options.downloads, "");
  EXPECT_EQ(p.options.reconnect_attempts, 10);
}

// "[::1]" is how the programs print an IPv6 address: it is taken as "::1".
TEST(LobbyArgs, BracketedIpv6HostIsTheBareAddress) {
  Parsed p = parse({"[::1]", "12000"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.host, "::1");
  EXPECT_EQ(host_port(p.options.host, 12000), "[::1]:12000");
  EXPECT_EQ(host_port("[::1]", 12000), "[::1]:12000");  // the known_brokers key, either way
  EXPECT_EQ(unbracket_host("[fe80::1%eth0]"), "fe80::1%eth0");
  EXPECT_EQ(unbracket_host("[host]"), "[host]");  // not an IPv6 literal: left alone
  EXPECT_EQ(unbracket_host("::1"), "::1");
  EXPECT_EQ(unbracket_host("[]"), "[]");
  EXPECT_EQ(unbracket_host("localhost"), "localhost");
}

TEST(LobbyArgs, AllOptionsInAnyOrder) {
  Parsed p = parse({"--user", "alice", "::1", "--share", "./shared", "12001", "--downloads",
                    "/tmp/dl", "--reconnect-attempts", "3"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.host, "::1");
  EXPECT_EQ(p.options.port, 12001);
  EXPECT_EQ(p.options.user, "alice");
  EXPECT_EQ(p.options.share, "./shared");
  EXPECT_EQ(p.options.downloads, "/tmp/dl");
  EXPECT_EQ(p.options.reconnect_attempts, 3);
}

TEST(LobbyArgs, HiddenFileServerOptions) {
  Parsed p = parse({"h", "1", "--serve-log", "/tmp/serve.log", "--serve-max-rate", "1048576"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.serve_log, "/tmp/serve.log");
  EXPECT_EQ(p.options.serve_max_rate, 1048576u);
  Parsed d = parse({"h", "1"});
  EXPECT_EQ(d.options.serve_log, "");
  EXPECT_EQ(d.options.serve_max_rate, 0u);
  // For tests and diagnosis only: not advertised in --help.
  EXPECT_EQ(parse({"--help"}).message.find("--serve"), std::string::npos);
}

TEST(LobbyArgs, HelpAndVersionExitZero) {
  Parsed help = parse({"--help"});
  EXPECT_FALSE(help.go_on);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.message.rfind("usage: _c <server-host> <server-port>", 0), 0u);
  Parsed version = parse({"localhost", "--version"});
  EXPECT_FALSE(version.go_on);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.message, std::string("_c (peerlink) ") + PEERLINK_VERSION + "\n");
}

TEST(LobbyArgs, ErrorsExitTwoWithAHint) {
  for (const auto& args : std::vector<std::vector<const char*>>{
           {},
           {"host"},
           {"host", "1", "extra"},
           {"host", "0"},
           {"host", "65536"},
           {"host", "12x"},
           {"", "12000"},
           {"host", "12000", "--user"},
           {"host", "12000", "--colour", "x"},
           {"host", "12000", "--reconnect-attempts", "-1"},
           {"host", "12000", "--reconnect-attempts", "many"},
           {"host", "12000", "--serve-max-rate", "fast"},
           {"host", "12000", "--serve-max-rate", "-1"},
           {"host", "12000", "--serve-log", ""},
       }) {
    Parsed p = parse(args);
    EXPECT_FALSE(p.go_on);
    EXPECT_EQ(p.exit_code, 2);
    EXPECT_EQ(p.message.rfind("_c: ", 0), 0u) << p.message;
    EXPECT_NE(p.message.find("(see _c --help)"), std::string::npos);
  }
}

TEST(LobbyArgs, MessagesNameTheProblem) {
  EXPECT_EQ(parse({"host"}).message,
            "_c: the broker's host and port are required (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "extra"}).message,
            "_c: unexpected argument extra (see _c --help)\n");
  EXPECT_EQ(parse({"host", "0"}).message, "_c: bad server port: 0 (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "--user"}).message, "_c: --user needs a value (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "--colour", "x"}).message,
            "_c: unknown option --colour (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "--reconnect-attempts", "many"}).message,
            "_c: --reconnect-attempts: not a number in 0..1000: many (see _c --help)\n");
  EXPECT_EQ(lobby_usage(), parse({"--help"}).message);
}

TEST(LobbyArgs, KeyOptions) {
  const std::string fp = "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925";
  Parsed p = parse({"host", "1", "--broker-key",
                    "SHA256:6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20 0897 1485 6EE2 33B3 902A 591D "
                    "0D5F 2925",
                    "--identity", "me.key", "--plaintext"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.broker_key, fp);  // the one form it is compared in
  EXPECT_EQ(p.options.identity, "me.key");
  EXPECT_TRUE(p.options.plaintext);
  const std::vector<std::string> argv = p.options.to_argv();
  const std::vector<std::string> expected = {"_c", "host",       "1",      "--broker-key",
                                             fp,   "--identity", "me.key", "--plaintext"};
  EXPECT_EQ(argv, expected);

  Parsed defaults = parse({"host", "1"});
  ASSERT_TRUE(defaults.go_on);
  EXPECT_EQ(defaults.options.broker_key, "");
  EXPECT_EQ(defaults.options.identity, "");
  EXPECT_FALSE(defaults.options.plaintext);

  EXPECT_EQ(parse({"host", "1", "--broker-key", "abc"}).message,
            "_c: --broker-key: not a fingerprint: 3 hex digits, 64 expected (see _c --help)\n");
  const std::string longer = fp + "x";
  EXPECT_EQ(parse({"host", "1", "--broker-key", longer.c_str()}).message,
            "_c: --broker-key: not a fingerprint: 'x' is not a hex digit (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "--identity", ""}).message,
            "_c: --identity: needs a value (see _c --help)\n");
  EXPECT_EQ(parse({"host", "1", "--plaintext=1"}).message,
            "_c: --plaintext takes no value (see _c --help)\n");
}

// The output and script options (docs/LOBBY.md, "Scripts"): flags, off by default.
TEST(LobbyArgs, ScriptOptions) {
  Parsed p = parse({"host", "1", "--bytes", "--strict", "--no-wait"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_TRUE(p.options.bytes);
  EXPECT_TRUE(p.options.strict);
  EXPECT_TRUE(p.options.no_wait);
  EXPECT_EQ(p.options.to_argv(),
            (std::vector<std::string>{"_c", "host", "1", "--bytes", "--strict", "--no-wait"}));
  Parsed defaults = parse({"host", "1"});
  ASSERT_TRUE(defaults.go_on);
  EXPECT_FALSE(defaults.options.bytes || defaults.options.strict || defaults.options.no_wait);
  EXPECT_EQ(parse({"host", "1", "--strict=yes"}).message,
            "_c: --strict takes no value (see _c --help)\n");
}

// The argv a peer program builds to come back reads back as the same arguments.
TEST(LobbyArgs, ArgvRoundTrip) {
  LobbyArgs minimal;
  minimal.host = "broker.lan";
  minimal.port = 12000;
  LobbyArgs full = minimal;
  full.host = "::1";
  full.user = "bob";
  full.share = "/home/bob/my shared";
  full.downloads = "-dl";  // a value may start with a dash
  full.reconnect_attempts = 0;
  full.serve_log = "/tmp/serve.log";
  full.serve_max_rate = 1048576;
  full.broker_key = std::string(64, 'a');
  full.identity = "/home/bob/.keys/me key";
  full.plaintext = true;
  full.bytes = true;
  full.strict = true;
  full.no_wait = true;
  LobbyArgs dashed = minimal;
  dashed.host = "-odd-host";
  for (const LobbyArgs& a : {minimal, full, dashed}) {
    const std::vector<std::string> argv = a.to_argv();
    ASSERT_FALSE(argv.empty());
    EXPECT_EQ(argv[0], "_c");
    LobbyArgs back;
    const ArgsOutcome r = parse_lobby_args(argv, &back);
    ASSERT_TRUE(r.go_on()) << r.text();
    EXPECT_EQ(back, a) << a.host;
  }
  EXPECT_EQ(minimal.to_argv(), (std::vector<std::string>{"_c", "broker.lan", "12000"}));
}

}  // namespace
}  // namespace peerlink
