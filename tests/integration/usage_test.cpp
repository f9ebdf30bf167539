// The command line of every program and mode, run for real: --help and --version print on stdout
// and exit 0, bad usage prints one line naming the problem on stderr and exits 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

struct Outcome {
  int status = -1;  // exit status, -1 if it did not exit normally
  std::string out;  // stdout only
  std::string all;  // stdout and stderr
};

// Runs `program` with `args` twice: once for all its output, once (through sh, stderr to
// /dev/null) for its stdout alone.
Outcome run(const std::string& program, const std::vector<std::string>& args) {
  Outcome r;
  std::vector<std::string> argv = {bin_path(program)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = Process::start(argv);
  const std::optional<int> st = p->wait_exit();
  if (st && WIFEXITED(*st)) r.status = WEXITSTATUS(*st);
  r.all = p->output();
  std::vector<std::string> quiet = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>/dev/null"};
  quiet.insert(quiet.end(), argv.begin(), argv.end());
  auto q = Process::start(quiet);
  (void)q->wait_exit();
  r.out = q->output();
  return r;
}

struct Program {
  std::string name;
  std::vector<std::string> mode;  // e.g. {"--serve"}
  std::string usage;              // how --help starts
};

const std::vector<Program>& programs() {
  static const std::vector<Program> all = {
      {"_s", {}, "usage: _s "},
      {"_c", {}, "usage: _c <server-host> <server-port>"},
      {"_peer_server", {}, "usage: _peer_server --session"},
      {"_peer_server", {"--serve"}, "usage: _peer_server --serve"},
      {"_peer_client", {}, "usage: _peer_client --session"},
      {"_peer_client", {"--fetch"}, "usage: _peer_client --fetch"},
  };
  return all;
}

std::vector<std::string> in_mode(const Program& p, std::vector<std::string> args) {
  args.insert(args.begin(), p.mode.begin(), p.mode.end());
  return args;
}

TEST(Usage, HelpOnStdoutExitsZero) {
  for (const Program& p : programs()) {
    for (const char* help : {"--help", "-h"}) {
      const Outcome r = run(p.name, in_mode(p, {help}));
      EXPECT_EQ(r.status, 0) << p.name << " " << help;
      EXPECT_EQ(r.out.rfind(p.usage, 0), 0u) << p.name << ": " << r.all;
      EXPECT_EQ(r.out, r.all) << p.name;  // nothing on stderr
    }
  }
}

TEST(Usage, VersionOnStdoutExitsZero) {
  for (const Program& p : programs()) {
    const Outcome r = run(p.name, in_mode(p, {"--version"}));
    EXPECT_EQ(r.status, 0) << p.name;
    EXPECT_EQ(r.out, p.name + " (peerlink) " + PEERLINK_VERSION + "\n") << r.all;
  }
}

TEST(Usage, UnknownOptionOnStderrExitsTwo) {
  for (const Program& p : programs()) {
    const Outcome r = run(p.name, in_mode(p, {"--bogus"}));
    EXPECT_EQ(r.status, 2) << p.name;
    EXPECT_EQ(r.out, "") << p.name;
    std::string hint = p.name;
    for (const std::string& m : p.mode) hint += " " + m;
    EXPECT_EQ(r.all, p.name + ": unknown option --bogus (see " + hint + " --help)\n");
  }
}

TEST(Usage, BrokerNamesTheProblem) {
  EXPECT_EQ(run("_s", {"--port"}).all, "_s: --port needs a value (see _s --help)\n");
  const Outcome bad = run("_s", {"--port", "x"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.all, "_s: --port: not a port number: x (see _s --help)\n");
  EXPECT_EQ(run("_s", {"stray"}).all, "_s: unexpected argument stray (see _s --help)\n");
}

TEST(Usage, LobbyNeedsTheBroker) {
  const Outcome r = run("_c", {"127.0.0.1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.all, "_c: the broker's host and port are required (see _c --help)\n");
}

}  // namespace
}  // namespace peerlink::testing
