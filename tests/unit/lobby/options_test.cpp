// Unit tests of `_c`'s command-line parsing.
#include "client/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlink::lobby {
namespace {

struct Parsed {
  bool go_on = false;
  int exit_code = -1;
  std::string message;
  ClientOptions options;
};

Parsed parse(std::vector<const char*> args) {
  args.insert(args.begin(), "_c");
  Parsed p;
  p.go_on = parse_client_options(static_cast<int>(args.size()), args.data(), &p.options,
                                 &p.exit_code, &p.message);
  return p;
}

TEST(ClientOptions, HostAndPortOnly) {
  Parsed p = parse({"10.0.0.5", "12000"});
  ASSERT_TRUE(p.go_on) << p.message;
  EXPECT_EQ(p.options.host, "10.0.0.5");
  EXPECT_EQ(p.options.port, 12000);
  EXPECT_EQ(p.options.user, "");
  EXPECT_EQ(p.options.share, "");
  EXPECT_EQ(p.options.downloads, "");
  EXPECT_EQ(p.options.reconnect_attempts, 10);
}

TEST(ClientOptions, AllOptionsInAnyOrder) {
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

TEST(ClientOptions, HiddenFileServerOptions) {
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

TEST(ClientOptions, HelpAndVersionExitZero) {
  Parsed help = parse({"--help"});
  EXPECT_FALSE(help.go_on);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.message.rfind("usage: _c <server-host> <server-port>", 0), 0u);
  Parsed version = parse({"localhost", "--version"});
  EXPECT_FALSE(version.go_on);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.message, std::string("_c (peerlink) ") + PEERLINK_VERSION + "\n");
}

TEST(ClientOptions, ErrorsExitTwoWithAHint) {
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
    EXPECT_NE(p.message.find("(try _c --help)"), std::string::npos);
  }
}

}  // namespace
}  // namespace peerlink::lobby
