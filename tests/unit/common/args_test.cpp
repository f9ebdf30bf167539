// Unit tests of the command-line parser every program uses (common/base/args.h).
#include "common/base/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlink {
namespace {

using Action = ArgsOutcome::Action;

// A small program: --port PORT (-p), --name NAME, --count N, --quiet (-q), a hidden --secret,
// positional FILE arguments.
struct Demo {
  uint16_t port = 7;
  std::string name;
  int count = 1;
  bool quiet = false;
  std::string secret;
  std::vector<std::string> files;
  bool need_name = false;

  CommandLineSpec spec() {
    CommandLineSpec s;
    s.program = "demo";
    s.synopsis = "usage: demo [options] FILE...\nDoes nothing, carefully.\n";
    s.options = {
        {"port", 'p', "PORT", "where to listen (default 7)", set_port(&port, true)},
        {"name", 0, "NAME", "a name\nthat needs two lines", set_nonempty_text(&name)},
        {"count", 0, "N", "how many (1..10)", set_number<int>(&count, 1, 10)},
        {"quiet", 'q', "", "say less", set_flag(&quiet)},
        {"secret", 0, "S", "not shown", set_text(&secret), true},
    };
    s.epilogue = "See the manual.\n";
    s.positional = [this](const std::vector<std::string>& args) {
      files = args;
      return Result();
    };
    s.check = [this] {
      return need_name && name.empty() ? Result::failure("missing --name") : Result();
    };
    return s;
  }
};

ArgsOutcome parse(Demo* d, std::vector<std::string> args) {
  args.insert(args.begin(), "demo");
  return parse_command_line(d->spec(), args);
}

std::string problem(std::vector<std::string> args) {
  Demo d;
  const ArgsOutcome r = parse(&d, std::move(args));
  EXPECT_EQ(r.action(), Action::kUsageError);
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_EQ(r.text(), "demo: " + r.problem().message() + " (see demo --help)\n");
  return r.problem().message();
}

TEST(Args, OptionsAndPositionalsInAnyOrder) {
  Demo d;
  const ArgsOutcome r =
      parse(&d, {"a.txt", "--port", "80", "-q", "b.txt", "--name=bob", "--count", "3"});
  ASSERT_TRUE(r.go_on()) << r.text();
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_TRUE(r.problem().ok());
  EXPECT_EQ(d.port, 80);
  EXPECT_TRUE(d.quiet);
  EXPECT_EQ(d.name, "bob");
  EXPECT_EQ(d.count, 3);
  EXPECT_EQ(d.files, (std::vector<std::string>{"a.txt", "b.txt"}));
}

TEST(Args, DefaultsStayWhenNothingIsGiven) {
  Demo d;
  ASSERT_TRUE(parse(&d, {}).go_on());
  EXPECT_EQ(d.port, 7);
  EXPECT_EQ(d.count, 1);
  EXPECT_FALSE(d.quiet);
  EXPECT_TRUE(d.files.empty());
}

TEST(Args, AValueMayStartWithADash) {
  Demo d;
  ASSERT_TRUE(parse(&d, {"--name", "-bob", "-p", "0"}).go_on());
  EXPECT_EQ(d.name, "-bob");
  EXPECT_EQ(d.port, 0);
}

TEST(Args, DoubleDashEndsTheOptions) {
  Demo d;
  ASSERT_TRUE(parse(&d, {"x", "--", "--port", "-q"}).go_on());
  EXPECT_EQ(d.files, (std::vector<std::string>{"x", "--port", "-q"}));
  EXPECT_EQ(d.port, 7);
  EXPECT_FALSE(d.quiet);
}

TEST(Args, Help) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"--port", "x", "--help"}, {"--bogus", "-h"}}) {
    Demo d;
    const ArgsOutcome r = parse(&d, args);
    EXPECT_EQ(r.action(), Action::kHelp) << args[0];
    EXPECT_EQ(r.exit_code(), 0);
    EXPECT_EQ(r.text().rfind("usage: demo [options] FILE...\nDoes nothing, carefully.\n\n", 0), 0u);
  }
  Demo d;
  const std::string text = parse(&d, {"--help"}).text();
  EXPECT_NE(text.find("  -p, --port PORT         where to listen (default 7)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  --name NAME             a name\n"
                      "                          that needs two lines\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  -q, --quiet             say less\n"), std::string::npos) << text;
  EXPECT_NE(text.find("--version"), std::string::npos);
  EXPECT_EQ(text.find("--secret"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 17), "\nSee the manual.\n");
  EXPECT_EQ(text, usage_text(d.spec()));
}

TEST(Args, Version) {
  Demo d;
  const ArgsOutcome r = parse(&d, {"file", "--version"});
  EXPECT_EQ(r.action(), Action::kVersion);
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(r.text(), std::string("demo (peerlink) ") + PEERLINK_VERSION + "\n");
}

TEST(Args, UnknownOptions) {
  EXPECT_EQ(problem({"--bogus"}), "unknown option --bogus");
  EXPECT_EQ(problem({"--bogus=1"}), "unknown option --bogus");
  EXPECT_EQ(problem({"-x"}), "unknown option -x");
  // No abbreviations: each option is spelled one way.
  EXPECT_EQ(problem({"--po", "80"}), "unknown option --po");
  EXPECT_EQ(problem({"--vers"}), "unknown option --vers");
  // Also where getopt_long itself fails on the abbreviation: no value after it, or one it
  // does not take.
  EXPECT_EQ(problem({"--po"}), "unknown option --po");
  EXPECT_EQ(problem({"--qu=1"}), "unknown option --qu");
}

TEST(Args, MissingValue) {
  EXPECT_EQ(problem({"--port"}), "--port needs a value");
  EXPECT_EQ(problem({"a", "-p"}), "-p needs a value");
  EXPECT_EQ(problem({"--quiet=yes"}), "--quiet takes no value");
}

TEST(Args, BadValues) {
  EXPECT_EQ(problem({"--port", "x"}), "--port: not a port number: x");
  EXPECT_EQ(problem({"-p", "65536"}), "-p: not a port number: 65536");
  EXPECT_EQ(problem({"--count", "0"}), "--count: not a number in 1..10: 0");
  EXPECT_EQ(problem({"--count", "2x"}), "--count: not a number in 1..10: 2x");
  EXPECT_EQ(problem({"--name", ""}), "--name: needs a value");
  // The first mistake is the one reported.
  EXPECT_EQ(problem({"--count", "11", "--bogus"}), "--count: not a number in 1..10: 11");
}

TEST(Args, PositionalArgumentsAndChecks) {
  CommandLineSpec none;
  none.program = "p";
  none.options = {{"x", 0, "", "", nullptr}};
  const ArgsOutcome r = parse_command_line(none, std::vector<std::string>{"p", "--x", "extra"});
  EXPECT_EQ(r.action(), Action::kUsageError);
  EXPECT_EQ(r.problem().message(), "unexpected argument extra");
  EXPECT_TRUE(parse_command_line(none, std::vector<std::string>{"p", "--x"}).go_on());

  Demo d;
  d.need_name = true;
  const ArgsOutcome c = parse_command_line(d.spec(), std::vector<std::string>{"demo"});
  EXPECT_EQ(c.problem().message(), "missing --name");
}

TEST(Args, ModeIsNamedInTheHint) {
  Demo d;
  CommandLineSpec s = d.spec();
  s.mode = "--serve";
  const ArgsOutcome r = parse_command_line(s, std::vector<std::string>{"demo", "--bogus"});
  EXPECT_EQ(r.text(), "demo: unknown option --bogus (see demo --serve --help)\n");
}

TEST(Args, RepeatedCallsStartAfresh) {
  // getopt keeps state between calls; every parse must begin at argv[1] again, including after
  // one that stopped half-way through a bundle of short options or at an error.
  for (int round = 0; round < 3; ++round) {
    Demo a;
    EXPECT_EQ(parse(&a, {"-qp"}).problem().message(), "-p needs a value");
    Demo b;
    ASSERT_TRUE(parse(&b, {"-qp", "9", "f"}).go_on());
    EXPECT_TRUE(b.quiet);
    EXPECT_EQ(b.port, 9);
    EXPECT_EQ(b.files, std::vector<std::string>{"f"});
    EXPECT_EQ(problem({"--bogus"}), "unknown option --bogus");
    Demo c;
    ASSERT_TRUE(parse(&c, {"--count", "4"}).go_on());
    EXPECT_EQ(c.count, 4);
  }
}

TEST(Args, ArgcArgvForm) {
  Demo d;
  const char* argv[] = {"demo", "--count", "5", "z"};
  ASSERT_TRUE(parse_command_line(d.spec(), 4, argv).go_on());
  EXPECT_EQ(d.count, 5);
  EXPECT_EQ(d.files, std::vector<std::string>{"z"});
  EXPECT_STREQ(argv[3], "z");  // the caller's argv is left as it was
}

}  // namespace
}  // namespace peerlink
