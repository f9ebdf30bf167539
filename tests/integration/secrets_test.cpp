// Integration tests: the secrets the lobby hands its children (the file server's ticket key, a
// download's tickets, a session's token) are nowhere another process can read them: not in
// /proc/PID/environ (which keeps the exec-time environment for the life of the process, whatever
// unsetenv() does), not in /proc/PID/cmdline, and the memfd that carried them is closed once read.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The NUL-separated entries of /proc/PID/environ or /proc/PID/cmdline.
std::vector<std::string> proc_strings(pid_t pid, const char* what) {
  const std::string raw = slurp("/proc/" + std::to_string(pid) + "/" + what);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\0') continue;
    out.push_back(raw.substr(start, i - start));
    start = i + 1;
  }
  if (start < raw.size()) out.push_back(raw.substr(start));
  return out;
}

// The environment entries that would carry a secret ("PEERLINK_TOKEN=...", and so on).
std::vector<std::string> peerlink_variables(pid_t pid) {
  std::vector<std::string> found;
  for (const std::string& e : proc_strings(pid, "environ")) {
    if (e.rfind("PEERLINK_", 0) == 0) found.push_back(e);
  }
  return found;
}

// Descriptors of `pid` that point at a memfd ("/memfd:peerlink-secret (deleted)").
std::vector<std::string> memfds(pid_t pid) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code ec2;
    const fs::path target = fs::read_symlink(e.path(), ec2);
    if (!ec2 && target.string().find("memfd:") != std::string::npos) {
      found.push_back(e.path().filename().string() + " -> " + target.string());
    }
  }
  return found;
}

// A child of `parent` whose command line contains `needle`, waiting up to `timeout`.
std::optional<pid_t> child_with(pid_t parent, const std::string& needle,
                                std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::string stat = slurp("/proc/" + name + "/stat");
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      // After "pid (comm) ": state, then ppid.
      const long ppid = std::strtol(stat.c_str() + paren + 4, nullptr, 10);
      if (ppid != parent) continue;
      const pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
      for (const std::string& arg : proc_strings(pid, "cmdline")) {
        if (arg.find(needle) != std::string::npos) return pid;
      }
    }
    if (Clock::now() >= deadline) return std::nullopt;
    ::poll(nullptr, 0, 20);
  }
}

// True if some argument of `pid` is 64 hex digits (what a token or a ticket key looks like),
// other than the value of --peer-key, the peer's public key (public by design, HANDOFF.md).
bool has_hex_secret_argument(pid_t pid) {
  std::string previous;
  for (const std::string& arg : proc_strings(pid, "cmdline")) {
    if (previous != "--peer-key" && arg.size() == 64 &&
        arg.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos)
      return true;
    previous = arg;
  }
  return false;
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = start_broker(dir_.path());
    ASSERT_NE(broker_.port, 0);
  }

  std::unique_ptr<Process> lobby(const std::string& name,
                                 const std::vector<std::string>& extra = {}) {
    const std::string share = dir_.file("share-" + name);
    fs::create_directories(share);
    std::vector<std::string> argv = {bin_path("_c"), "127.0.0.1",   std::to_string(broker_.port),
                                     "--user",       name,          "--share",
                                     share,          "--downloads", dir_.file("dl-" + name)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process::Options options;
    options.umask = 0;  // a permissive umask must not expose what peerlink writes
    auto p = Process::start(argv, options);
    EXPECT_TRUE(p && p->wait_line("registered as " + name + " on")) << (p ? p->output() : "");
    EXPECT_TRUE(p && p->wait_line("sharing ")) << (p ? p->output() : "");
    return p;
  }

  void expect_no_secret_visible(pid_t pid, const std::string& what) {
    // The exec-time environment is fixed: one look is enough.
    EXPECT_EQ(peerlink_variables(pid), std::vector<std::string>{}) << what << " environment";
    // The program closes the memfd as soon as it starts: give it until the deadline to get there.
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!memfds(pid).empty() && Clock::now() < deadline) ::poll(nullptr, 0, 10);
    EXPECT_EQ(memfds(pid), std::vector<std::string>{}) << what << " still holds the memfd";
    bool saw_secret_fd = false;
    for (const std::string& arg : proc_strings(pid, "cmdline"))
      saw_secret_fd = saw_secret_fd || arg == "--secret-fd";
    EXPECT_TRUE(saw_secret_fd) << what << " was not handed its secret through --secret-fd";
  }

  TempDir dir_;
  BrokerProcess broker_;
};

TEST_F(SecretsTest, FileServerKeyAndDownloadTicketsAreNotInEnvironOrArgv) {
  // 3 MiB served at 1 MiB/s: the download runs for seconds, long enough to look at it.
  fs::create_directories(dir_.file("share-alice"));
  ASSERT_TRUE(write_file(dir_.file("share-alice") + "/big.bin", random_data(3 << 20, 7)));
  auto alice = lobby("alice", {"--serve-max-rate", std::to_string(1 << 20)});
  auto bob = lobby("bob");
  ASSERT_TRUE(alice && bob);

  const auto server = child_with(alice->pid(), "--serve", std::chrono::milliseconds(5000));
  ASSERT_TRUE(server) << "alice's file server not found";
  expect_no_secret_visible(*server, "the file server");

  bob->write_line("get big.bin");
  ASSERT_TRUE(bob->wait_line("downloading big.bin")) << bob->output();
  const auto fetch = child_with(bob->pid(), "--fetch", std::chrono::milliseconds(5000));
  ASSERT_TRUE(fetch) << "bob's download process not found\n" << bob->output();
  expect_no_secret_visible(*fetch, "the download");
  // Its .part (and what it becomes) is bob's alone, even under a permissive umask.
  const std::string part = dir_.file("dl-bob") + "/big.bin.part";
  struct stat st {};
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (::stat(part.c_str(), &st) != 0 && Clock::now() < deadline) ::poll(nullptr, 0, 10);
  ASSERT_EQ(::stat(part.c_str(), &st), 0) << part;
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the .part is readable by others";
  EXPECT_TRUE(bob->wait_line("downloaded big.bin", std::chrono::milliseconds(30000)))
      << bob->output();
  ASSERT_EQ(::stat((dir_.file("dl-bob") + "/big.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the download is readable by others";
}

TEST_F(SecretsTest, SessionTokenIsNotInEnvironOrArgvOfEitherPeerProgram) {
  auto alice = lobby("alice");
  auto bob = lobby("bob");
  ASSERT_TRUE(alice && bob);
  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat")) << bob->output();
  bob->write_line("y");
  // exec keeps the pid: the lobby processes are now _peer_server (bob) and _peer_client (alice).
  ASSERT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  ASSERT_TRUE(bob->wait_line("connected to alice")) << bob->output();
  for (const auto& [p, what] :
       {std::pair{bob.get(), "_peer_server"}, std::pair{alice.get(), "_peer_client"}}) {
    const std::vector<std::string> argv = proc_strings(p->pid(), "cmdline");
    ASSERT_FALSE(argv.empty());
    EXPECT_NE(argv[0].find(what), std::string::npos) << argv[0];
    expect_no_secret_visible(p->pid(), what);
    EXPECT_FALSE(has_hex_secret_argument(p->pid())) << what << " has a token in argv";
  }
  alice->write_line("/quit");
  EXPECT_TRUE(alice->wait_line("session ended")) << alice->output();
}

}  // namespace
}  // namespace peerlink::testing
