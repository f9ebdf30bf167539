// Integration tests of the lobby `_c` driven by a script (stdin and stdout pipes) and, for the
// sizes it shows people, on a pseudo-terminal: exit status and --strict, `wait`, quit waiting for
// downloads, percent-encoded listings parsed back, human and exact sizes, the resume notice
// (docs/LOBBY.md, "Scripts").
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/wire/line_codec.h"
#include "tests/support/process.h"
#include "tests/support/pty_process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kMiB = 1 << 20;
constexpr auto kLong = std::chrono::milliseconds(60'000 * sanitizer_slowdown());

int exit_status(std::optional<int> st) {
  if (!st || !WIFEXITED(*st)) return -1;
  return WEXITSTATUS(*st);
}

class LobbyScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = start_broker(dir_.path());
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  std::string share_of(const std::string& name) {
    std::string d = dir_.file("share-" + name);
    fs::create_directories(d);
    return d;
  }
  std::string downloads_of(const std::string& name) { return dir_.file("downloads-" + name); }

  std::vector<std::string> argv_of(const std::string& name,
                                   const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {bin_path("_c"), "127.0.0.1",   std::to_string(broker_.port),
                                     "--user",       name,          "--share",
                                     share_of(name), "--downloads", downloads_of(name)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // `_c` on pipes, once it has registered and announced its folder.
  std::unique_ptr<Process> lobby(const std::string& name,
                                 const std::vector<std::string>& extra = {}) {
    auto p = Process::start(argv_of(name, extra));
    EXPECT_TRUE(p != nullptr);
    if (!p) return p;
    EXPECT_TRUE(p->wait_line("registered as " + name + " on")) << p->output();
    EXPECT_TRUE(p->wait_line("sharing ", kLong)) << p->output();
    return p;
  }

  // alice sharing `size` pseudo-random bytes as `name`, served at 2 MiB/s so a download of a few
  // MiB lasts long enough to be waited for or cut off.
  std::unique_ptr<Process> slow_owner(const std::string& name, size_t size) {
    EXPECT_TRUE(write_file(share_of("alice") + "/" + name, random_data(size, 7)));
    return lobby("alice", {"--serve-max-rate", std::to_string(2 * kMiB)});
  }

  // Asks `transfers` until the line of `name` shows at least `percent` %; false after the
  // deadline.
  static bool wait_percent(Process* p, const std::string& name, int percent) {
    const auto deadline = Clock::now() + kLong;
    while (Clock::now() < deadline) {
      p->write_line("transfers");
      std::optional<std::string> line = p->wait_line("  " + name + "  ");
      if (!line) return false;
      const size_t pct = line->find("% of ");
      if (pct != std::string::npos &&
          std::atoi(line->c_str() + line->rfind(' ', pct) + 1) >= percent) {
        return true;
      }
      ::poll(nullptr, 0, 50);  // a bounded pause between two questions, not a synchronisation
    }
    return false;
  }

  TempDir dir_;
  BrokerProcess broker_;
};

TEST_F(LobbyScriptTest, AFailedCommandMakesTheExitStatusOneAtTheEnd) {
  auto ok = lobby("alice");
  ok->write_line("users");
  ok->close_stdin();
  EXPECT_TRUE(ok->wait_line("1 user online:")) << ok->output();
  EXPECT_EQ(exit_status(ok->wait_exit()), 0) << ok->output();

  auto bob = lobby("bob");
  bob->write("frobnicate\nusers\n");
  bob->close_stdin();
  EXPECT_TRUE(bob->wait_line("unknown command: frobnicate")) << bob->output();
  EXPECT_TRUE(bob->wait_line("1 user online:")) << "the script goes on: " << bob->output();
  EXPECT_TRUE(bob->wait_line("bye")) << bob->output();
  EXPECT_EQ(exit_status(bob->wait_exit()), 1) << bob->output();
}

TEST_F(LobbyScriptTest, StrictStopsAtTheFirstFailure) {
  auto bob = lobby("bob", {"--strict"});
  bob->write("users\ninfo nobody\nusers\nusers\n");
  EXPECT_TRUE(bob->wait_line("1 user online:")) << bob->output();
  EXPECT_TRUE(bob->wait_line("nobody: no such user")) << bob->output();
  EXPECT_TRUE(bob->wait_line("stopping at the first failed command (--strict)")) << bob->output();
  EXPECT_EQ(exit_status(bob->wait_exit()), 1) << bob->output();
  EXPECT_EQ(bob->output().find("1 user online:"), bob->output().rfind("1 user online:"))
      << "nothing ran after the failure: " << bob->output();
}

// "two  spaces.txt" is one percent-encoded column in a script's `files` and `search`, and
// decodes back to the name; the size is exact.
TEST_F(LobbyScriptTest, ANameWithTwoSpacesIsListedAsOneColumn) {
  const std::string name = "two  spaces.txt";
  ASSERT_TRUE(write_file(share_of("alice") + "/" + name, "hello"));
  auto alice = lobby("alice");
  auto bob = lobby("bob");
  for (const char* command : {"files alice", "search SPACES", "users"}) {
    bob->write_line(command);
  }
  std::optional<std::string> listed;
  for (int i = 0; i < 2; ++i) {
    listed = bob->wait_line("  alice  two%20%20spaces.txt  5 bytes  sha256 ");
    ASSERT_TRUE(listed) << bob->output();
    const std::vector<std::string_view> columns = split_fields(*listed);
    ASSERT_EQ(columns.size(), 6u) << *listed;
    std::string decoded;
    ASSERT_TRUE(percent_decode(columns[1], &decoded));
    EXPECT_EQ(decoded, name);
  }
  EXPECT_TRUE(bob->wait_line("  alice  127.0.0.1:")) << bob->output();
  bob->write_line("get " + name);
  EXPECT_TRUE(bob->wait_line("downloaded two  spaces.txt -> ", kLong)) << bob->output();
  bob->write_line("transfers");
  EXPECT_TRUE(bob->wait_line("  two%20%20spaces.txt  done -> " +
                             percent_encode(downloads_of("bob") + "/" + name) + " (5 bytes in "))
      << bob->output();
}

// People see "1.5 MiB" on a terminal; `--bytes` and a pipe see the exact size.
TEST_F(LobbyScriptTest, SizesForPeopleOnATerminalExactInAScript) {
  ASSERT_TRUE(write_file(share_of("alice") + "/big.bin", random_data(3 * kMiB / 2, 3)));
  auto alice = lobby("alice");
  alice->write_line("files");
  EXPECT_TRUE(alice->wait_line("  alice  big.bin  1572864 bytes  sha256 ")) << alice->output();

  for (bool exact : {false, true}) {
    PtyProcess::Options o;
    o.env["TERM"] = "dumb";
    auto bob = PtyProcess::start(
        argv_of("bob", exact ? std::vector<std::string>{"--bytes"} : std::vector<std::string>{}),
        o);
    ASSERT_TRUE(bob != nullptr);
    ASSERT_TRUE(bob->wait_for("sharing no files from", kLong)) << bob->text_output();
    bob->write("files\r");
    EXPECT_TRUE(bob->wait_for(exact ? "  alice  big.bin  1572864 bytes  sha256 "
                                    : "  alice  big.bin  1.5 MiB  sha256 "))
        << bob->text_output();
    bob->write("search big\r");
    EXPECT_TRUE(bob->wait_for(exact ? "  alice  big.bin  1572864 bytes  sha256 "
                                    : "  alice  big.bin  1.5 MiB  sha256 "))
        << bob->text_output();
    bob->write("quit\r");
    EXPECT_EQ(exit_status(bob->wait_exit()), 0) << bob->text_output();
  }
}

// `wait` holds the script until the download has ended and reports it; the next command runs
// after it.
TEST_F(LobbyScriptTest, WaitWaitsForTheDownloadsStartedSoFar) {
  auto alice = slow_owner("f.bin", kMiB);
  auto bob = lobby("bob");
  bob->write("wait\nget f.bin\nwait\ninfo alice\n");
  EXPECT_TRUE(bob->wait_line("no downloads running")) << bob->output();
  EXPECT_TRUE(bob->wait_line("waiting for 1 download")) << bob->output();
  EXPECT_TRUE(bob->wait_line("downloaded f.bin -> ", kLong)) << bob->output();
  EXPECT_TRUE(bob->wait_line("the download ended: 1 downloaded, 0 failed")) << bob->output();
  EXPECT_TRUE(bob->wait_line("alice is at 127.0.0.1:")) << bob->output();
  const std::string out = bob->output();
  EXPECT_LT(out.find("downloaded f.bin"), out.find("alice is at")) << out;
  bob->close_stdin();
  EXPECT_EQ(exit_status(bob->wait_exit()), 0) << bob->output();
}

// The end of a script waits for its downloads; `quit now` and --no-wait stop them (resumable).
TEST_F(LobbyScriptTest, TheEndOfInputWaitsForDownloadsUnlessToldNotTo) {
  auto alice = slow_owner("f.bin", kMiB);
  auto bob = lobby("bob");
  bob->write_line("get f.bin");
  bob->close_stdin();
  EXPECT_TRUE(bob->wait_line("waiting for 1 download before quitting")) << bob->output();
  EXPECT_TRUE(bob->wait_line("downloaded f.bin -> ", kLong)) << bob->output();
  EXPECT_TRUE(bob->wait_line("bye")) << bob->output();
  EXPECT_EQ(exit_status(bob->wait_exit()), 0) << bob->output();
  EXPECT_EQ(fs::file_size(downloads_of("bob") + "/f.bin"), kMiB);

  for (bool option : {true, false}) {
    const std::string user = option ? "carol" : "dave";
    auto p =
        lobby(user, option ? std::vector<std::string>{"--no-wait"} : std::vector<std::string>{});
    p->write_line("get f.bin");
    if (!option) p->write_line("quit now");
    p->close_stdin();
    EXPECT_TRUE(p->wait_line("download of f.bin stopped — get f.bin resumes it")) << p->output();
    EXPECT_EQ(exit_status(p->wait_exit()), 0) << p->output();
    EXPECT_FALSE(p->saw("waiting for")) << p->output();
    // Stopped at once: a 1 MiB download at 2 MiB/s cannot have finished (whether its .part was
    // made yet is a matter of milliseconds).
    EXPECT_FALSE(fs::exists(downloads_of(user) + "/f.bin")) << p->output();
  }
}

// A download that carries on a .part says so, and from where; a second lobby resumes it.
TEST_F(LobbyScriptTest, AResumedDownloadSaysFromWhere) {
  auto alice = slow_owner("r.bin", 4 * kMiB);
  {
    auto bob = lobby("bob");
    bob->write_line("get r.bin");
    // Past two of its four 1 MiB blocks: the .part's state has some of them.
    ASSERT_TRUE(wait_percent(bob.get(), "r.bin", 60)) << bob->output();
    bob->write_line("quit now");
    EXPECT_EQ(exit_status(bob->wait_exit()), 0) << bob->output();
    EXPECT_FALSE(bob->saw("resuming ")) << "a fresh download is not a resume: " << bob->output();
  }
  auto bob = lobby("bob");
  bob->write_line("get r.bin");
  std::optional<std::string> line = bob->wait_line("resuming r.bin at ", kLong);
  ASSERT_TRUE(line) << bob->output();
  EXPECT_NE(line->find(" of 4.0 MiB ("), std::string::npos) << *line;
  EXPECT_EQ(line->find("resuming r.bin at 0 B "), std::string::npos) << *line;
  bob->write_line("quit now");
  EXPECT_EQ(exit_status(bob->wait_exit()), 0) << bob->output();
}

// A download that fails is a failure of the script: `wait` reports it, the exit status is 1.
TEST_F(LobbyScriptTest, AFailedDownloadMakesTheExitStatusOne) {
  auto alice = slow_owner("gone.bin", 4 * kMiB);
  auto bob = lobby("bob");
  bob->write_line("get gone.bin");
  ASSERT_TRUE(wait_percent(bob.get(), "gone.bin", 1)) << bob->output();
  bob->write_line("wait");
  bob->close_stdin();
  EXPECT_TRUE(bob->wait_line("waiting for 1 download")) << bob->output();
  alice->write_line("quit");
  EXPECT_EQ(exit_status(alice->wait_exit()), 0) << alice->output();
  EXPECT_TRUE(bob->wait_line("gone.bin: download failed: ", kLong)) << bob->output();
  EXPECT_TRUE(bob->wait_line("the download ended: 0 downloaded, 1 failed")) << bob->output();
  EXPECT_EQ(exit_status(bob->wait_exit()), 1) << bob->output();
}

}  // namespace
}  // namespace peerlink::testing
