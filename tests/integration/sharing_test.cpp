// Integration tests of shared folders through the lobby: real `_s` and several real `_c` on
// loopback, driven through stdin, each `_c` with its background file server (`_peer_server
// --serve`) and its downloads (`_peer_client --fetch`).
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/net/net.h"
#include "tests/support/line_client.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kMiB = 1 << 20;
constexpr auto kLong = std::chrono::milliseconds(120'000);  // downloads, hashing large files

// Writes `size` pseudo-random bytes (seeded) in 1 MiB pieces, so memory stays low.
void write_random_file(const std::string& path, uint64_t size, unsigned seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  unsigned piece = 0;
  for (uint64_t left = size; left > 0;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, kMiB));
    const std::string data = random_data(n, seed * 7919 + piece++);
    out.write(data.data(), static_cast<std::streamsize>(n));
    left -= n;
  }
}

std::string file_sha256(const std::string& path) {
  const Expected<std::string> hex = sha256_file(path);
  return hex.ok() ? *hex : "error: " + hex.message();
}

// Sum of `sent=` over the request lines of a file server's --log.
uint64_t served_bytes(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  uint64_t total = 0;
  while (std::getline(in, line)) {
    if (line.find(" get ") == std::string::npos) continue;
    const size_t at = line.rfind(" sent=");
    if (at != std::string::npos) total += std::strtoull(line.c_str() + at + 6, nullptr, 10);
  }
  return total;
}

// The port from the file server's first log line "... serving DIR for NAME on port P (...)".
uint16_t served_port(const std::string& log) {
  const auto deadline = Clock::now() + kDefaultWait;
  for (;;) {
    std::ifstream in(log);
    std::string line;
    if (std::getline(in, line)) {
      const size_t at = line.find(" on port ");
      if (at != std::string::npos) {
        return static_cast<uint16_t>(std::atoi(line.c_str() + at + 9));
      }
    }
    if (Clock::now() >= deadline) return 0;
    ::poll(nullptr, 0, 20);
  }
}

// True once connecting to 127.0.0.1:port is refused (nobody listens any more).
bool refuses_connections(uint16_t port) {
  const auto deadline = Clock::now() + kDefaultWait;
  for (;;) {
    Expected<UniqueFd> s = connect_tcp("127.0.0.1", port, 1000);
    if (!s.ok() && s.error() == ECONNREFUSED) return true;
    if (Clock::now() >= deadline) return false;
    ::poll(nullptr, 0, 50);
  }
}

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

int exit_status(std::optional<int> st) {
  if (!st || !WIFEXITED(*st)) return -1;
  return WEXITSTATUS(*st);
}

class SharingTest : public ::testing::Test {
 protected:
  struct Peer {
    std::string share;
    std::string downloads;
    std::string log;  // the file server's log of the latest start
    std::unique_ptr<Process> proc;
    int starts = 0;
  };

  void SetUp() override {
    broker_ = start_broker(dir_.path());
    ASSERT_NE(broker_.port, 0) << "broker did not start";
  }

  // The folders of `name` (created on first use).
  Peer& peer(const std::string& name) {
    Peer& p = peers_[name];
    if (p.share.empty()) {
      p.share = dir_.file("share-" + name);
      p.downloads = dir_.file("downloads-" + name);
      fs::create_directories(p.share);
    }
    return p;
  }

  // Starts `_c` as `name` with a serve log and waits until it has registered and announced its
  // folder ("sharing N files from DIR").
  Process* start(const std::string& name, const std::vector<std::string>& extra = {}) {
    Peer& p = peer(name);
    p.log = dir_.file(name + "-" + std::to_string(++p.starts) + ".log");
    std::vector<std::string> argv = {bin_path("_c"), "127.0.0.1",   std::to_string(broker_.port),
                                     "--user",       name,          "--share",
                                     p.share,        "--downloads", p.downloads,
                                     "--serve-log",  p.log};
    argv.insert(argv.end(), extra.begin(), extra.end());
    p.proc = Process::start(argv);
    EXPECT_TRUE(p.proc != nullptr);
    if (!p.proc) return nullptr;
    EXPECT_TRUE(p.proc->wait_line("registered as " + name + " on")) << p.proc->output();
    EXPECT_TRUE(p.proc->wait_line("sharing ", kLong)) << p.proc->output();
    return p.proc.get();
  }

  // Asks `transfers` until the line of `name` shows at least `percent` % (or is done); returns
  // that line, or "" after the deadline.
  static std::string wait_percent(Process* p, const std::string& name, int percent) {
    const auto deadline = Clock::now() + kLong;
    while (Clock::now() < deadline) {
      p->write_line("transfers");
      std::optional<std::string> line = p->wait_line("  " + name + "  ");
      if (!line) return "";
      if (line->find("  done -> ") != std::string::npos) return *line;
      const size_t pct = line->find("% of ");
      if (pct != std::string::npos) {
        size_t start = line->rfind(' ', pct) + 1;
        if (std::atoi(line->c_str() + start) >= percent) return *line;
      }
      ::poll(nullptr, 0, 100);  // a bounded pause between two questions, not a synchronisation
    }
    return "";
  }

  TempDir dir_;
  BrokerProcess broker_;
  std::map<std::string, Peer> peers_;
};

TEST_F(SharingTest, AnnouncedFilesAreListedAndSearched) {
  ASSERT_TRUE(write_file(peer("alice").share + "/notes.txt", "hello\n"));
  ASSERT_TRUE(write_file(peer("alice").share + "/read me.txt", "read me, please"));
  ASSERT_TRUE(write_file(peer("alice").share + "/.hidden", "never shared"));
  fs::create_directories(peer("alice").share + "/sub");
  ASSERT_TRUE(write_file(peer("alice").share + "/sub/deep.txt", "not shared either"));
  Process* alice = start("alice");
  ASSERT_TRUE(alice->saw("sharing 2 files from " + peer("alice").share)) << alice->output();
  Process* bob = start("bob");
  ASSERT_TRUE(bob->saw("sharing no files from ")) << bob->output();

  const std::string notes =
      "  alice  notes.txt  6 bytes  sha256 " + sha256_hex("hello\n").substr(0, 12);
  // A script's listing percent-encodes names (docs/LOBBY.md, "Scripted output").
  const std::string readme =
      "  alice  read%20me.txt  15 bytes  sha256 " + sha256_hex("read me, please").substr(0, 12);
  bob->write_line("files");
  EXPECT_EQ(bob->wait_line("shared:").value_or(""), "2 files shared:") << bob->output();
  EXPECT_EQ(bob->wait_line("  alice  ").value_or(""), notes);
  EXPECT_EQ(bob->wait_line("  alice  ").value_or(""), readme);

  bob->write_line("files alice");
  EXPECT_EQ(bob->wait_line("alice shares").value_or(""), "alice shares 2 files:") << bob->output();
  EXPECT_EQ(bob->wait_line("  alice  ").value_or(""), notes);
  EXPECT_EQ(bob->wait_line("  alice  ").value_or(""), readme);

  bob->write_line("search READ");
  EXPECT_EQ(bob->wait_line("match").value_or(""), "1 file matches \"READ\":") << bob->output();
  EXPECT_EQ(bob->wait_line("  alice  ").value_or(""), readme);

  bob->write_line("search nothing-like-it");
  EXPECT_TRUE(bob->wait_line("no files match \"nothing-like-it\"")) << bob->output();
  bob->write_line("files bob");
  EXPECT_TRUE(bob->wait_line("bob shares no files")) << bob->output();
  bob->write_line("files nobody");
  EXPECT_TRUE(bob->wait_line("nobody: no such user")) << bob->output();
}

// A registration and its first announcement in one batch arrive as one merged EVENT JOIN: the
// lobby still says both, and its `users` and `files` agree; a crowd arriving is one EVENT
// CHANGES line (docs/PROTOCOL.md, "Batches").
TEST_F(SharingTest, AMergedJoinAndACrowdAreToldAndListedRight) {
  // A crowd from one address: more handshakes a second than the default rate allows.
  broker_.proc.reset();
  broker_ = start_broker(dir_.file("crowd"), {"--handshake-rate", "0"});
  ASSERT_NE(broker_.port, 0);
  Process* bob = start("bob");
  auto carol = LineClient::encrypted(broker_.port);
  ASSERT_TRUE(carol->ok()) << carol->handshake_error();
  const std::string h1 = sha256_hex("one"), h2 = sha256_hex("two");
  ASSERT_TRUE(carol->send_raw("HELLO 1.0\nREGISTER carol 40009 " + kTestKey +
                              "\nANNOUNCE 2\nFILE c1.txt 3 " + h1 + "\nFILE c2.txt 3 " + h2 +
                              "\n"));
  EXPECT_EQ(carol->reply().value_or("").rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(carol->reply().value_or("").rfind("OK REGISTERED carol", 0), 0u);
  EXPECT_EQ(carol->reply().value_or(""), "OK ANNOUNCED 2");
  ASSERT_TRUE(bob->wait_line("* carol joined")) << bob->output();
  EXPECT_TRUE(bob->wait_line("* carol shares 2 files")) << bob->output();
  bob->write_line("users");
  EXPECT_TRUE(bob->wait_line("carol")) << bob->output();
  bob->write_line("files carol");
  EXPECT_EQ(bob->wait_line("carol shares").value_or(""), "carol shares 2 files:") << bob->output();
  EXPECT_TRUE(bob->wait_line("  carol  c1.txt  3 bytes  sha256 " + h1.substr(0, 12)));
  EXPECT_TRUE(bob->wait_line("  carol  c2.txt  3 bytes  sha256 " + h2.substr(0, 12)));
  // 300 more, registering in one burst (handshakes first: they are the slow part, above all
  // under a sanitizer), so the registrations meet in batches of more than 32 changes, which are
  // summed up.
  std::vector<std::unique_ptr<LineClient>> crowd;
  for (int i = 0; i < 300; ++i) {
    crowd.push_back(LineClient::encrypted(broker_.port));
    ASSERT_TRUE(crowd.back()->ok()) << crowd.back()->handshake_error();
  }
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(crowd[static_cast<size_t>(i)]->send_raw(
        "HELLO 1.0\nREGISTER c" + std::to_string(i) + " 40000 " + kTestKey + "\n"));
  }
  for (int i = 0; i < 300; ++i) {
    LineClient& c = *crowd[static_cast<size_t>(i)];
    EXPECT_EQ(c.reply().value_or("").rfind("OK HELLO", 0), 0u);
    EXPECT_EQ(c.reply().value_or("").rfind("OK REGISTERED c" + std::to_string(i), 0), 0u);
  }
  EXPECT_TRUE(bob->wait_line(" joined, ", seconds(20))) << bob->output();
  bob->write_line("users");
  EXPECT_TRUE(bob->wait_line("c299")) << bob->output();
}

TEST_F(SharingTest, ANewFileIsAnnouncedWithoutACommandAndShareRescansAtOnce) {
  ASSERT_TRUE(write_file(peer("alice").share + "/one.txt", "1"));
  Process* alice = start("alice");
  Process* bob = start("bob");

  // Dropped in: noticed by the lobby's polling (about every 2 s), announced, told to bob.
  ASSERT_TRUE(write_file(peer("alice").share + "/two.txt", "22"));
  ASSERT_TRUE(bob->wait_line("* alice shares 2 files", seconds(20))) << bob->output();
  EXPECT_TRUE(alice->wait_line("sharing 2 files from")) << alice->output();
  bob->write_line("files alice");
  EXPECT_TRUE(bob->wait_line("  alice  two.txt  2 bytes  sha256 ")) << bob->output();

  // `share` rescans now, and says what it found even when nothing changed.
  alice->write_line("share");
  EXPECT_TRUE(alice->wait_line("sharing 2 files from")) << alice->output();
  ASSERT_TRUE(write_file(peer("alice").share + "/three.txt", "333"));
  alice->write_line("share");
  EXPECT_TRUE(alice->wait_line("sharing 3 files from")) << alice->output();
  EXPECT_TRUE(bob->wait_line("* alice shares 3 files")) << bob->output();
  // The hash cache lets a restart skip hashing.
  EXPECT_TRUE(fs::exists(peer("alice").share + "/.peerlink-hashes"));
}

TEST_F(SharingTest, ThreeOwnersEachServeAPartOfOneDownload) {
  constexpr uint64_t kSize = 12 * kMiB;
  const std::string first = peer("client1").share + "/big.bin";
  write_random_file(first, kSize, 1);
  for (const char* name : {"client2", "client3"}) {
    ASSERT_EQ(::link(first.c_str(), (peer(name).share + "/big.bin").c_str()), 0);
  }
  // A cap per owner keeps any one of them from taking every block before the others connect.
  for (const char* name : {"client1", "client2", "client3"}) {
    start(name, {"--serve-max-rate", std::to_string(8 * kMiB)});
  }
  Process* getter = start("client4");
  getter->write_line("get big.bin");
  EXPECT_TRUE(
      getter->wait_line("downloading big.bin (12582912 bytes) from client1, client2, "
                        "client3"))
      << getter->output();
  const std::string target = peer("client4").downloads + "/big.bin";
  EXPECT_TRUE(getter->wait_line("downloaded big.bin -> " + target + " (12582912 bytes in ", kLong))
      << getter->output();
  EXPECT_EQ(file_sha256(target), file_sha256(first));
  uint64_t total = 0;
  for (const char* name : {"client1", "client2", "client3"}) {
    const uint64_t b = served_bytes(peer(name).log);
    EXPECT_GT(b, 0u) << name << " served nothing";
    total += b;
  }
  // At the end the downloader's endgame may fetch a few last ranges from two owners at once and
  // drop the second copy (docs/SHARING.md, "The tail and the endgame").
  EXPECT_GE(total, kSize);
  EXPECT_LE(total, kSize + 6 * kMiB);
  EXPECT_EQ(listing(peer("client4").downloads), std::vector<std::string>{"big.bin"});
}

TEST_F(SharingTest, AKilledOwnerIsReplacedAndItsFileServerGoesWithIt) {
  constexpr uint64_t kSize = 24 * kMiB;
  const std::string first = peer("alice").share + "/movie.mkv";
  write_random_file(first, kSize, 2);
  for (const char* name : {"bob", "carol"}) {
    ASSERT_EQ(::link(first.c_str(), (peer(name).share + "/movie.mkv").c_str()), 0);
  }
  // 3 x 3 MiB/s: the download takes about 3 s, long enough to kill an owner in the middle.
  for (const char* name : {"alice", "bob", "carol"}) {
    start(name, {"--serve-max-rate", std::to_string(3 * kMiB)});
  }
  const uint16_t bob_port = served_port(peer("bob").log);
  ASSERT_NE(bob_port, 0);
  Process* dave = start("dave");
  dave->write_line("get movie.mkv");
  ASSERT_NE(wait_percent(dave, "movie.mkv", 15), "") << dave->output();
  ASSERT_FALSE(dave->saw("downloaded movie.mkv")) << "too fast to test a kill";

  peer("bob").proc->kill(SIGKILL);
  ASSERT_TRUE(peer("bob").proc->wait_exit());
  // PR_SET_PDEATHSIG: the file server dies with its lobby, and the port closes.
  EXPECT_TRUE(refuses_connections(bob_port));

  EXPECT_TRUE(dave->wait_line("downloaded movie.mkv -> ", kLong)) << dave->output();
  EXPECT_EQ(file_sha256(peer("dave").downloads + "/movie.mkv"), file_sha256(first));
  EXPECT_GT(served_bytes(peer("alice").log), 0u);
  EXPECT_GT(served_bytes(peer("carol").log), 0u);
}

TEST_F(SharingTest, AnInterruptedDownloadResumesWithGetAgain) {
  constexpr uint64_t kSize = 16 * kMiB;
  const std::string first = peer("alice").share + "/disk.img";
  write_random_file(first, kSize, 3);
  ASSERT_EQ(::link(first.c_str(), (peer("bob").share + "/disk.img").c_str()), 0);
  for (const char* name : {"alice", "bob"}) {
    start(name, {"--serve-max-rate", std::to_string(2 * kMiB)});
  }
  Process* carol = start("carol");
  carol->write_line("get disk.img");
  ASSERT_NE(wait_percent(carol, "disk.img", 25), "") << carol->output();

  // Every owner goes away: the download fails and keeps what it has.
  for (const char* name : {"alice", "bob"}) {
    peer(name).proc->write_line("quit");
    EXPECT_EQ(exit_status(peer(name).proc->wait_exit()), 0);
  }
  EXPECT_TRUE(carol->wait_line("disk.img: download failed: all sources failed", kLong))
      << carol->output();
  carol->write_line("transfers");
  EXPECT_TRUE(carol->wait_line("  disk.img  failed: all sources failed")) << carol->output();
  const std::string downloads = peer("carol").downloads;
  EXPECT_EQ(listing(downloads),
            (std::vector<std::string>{".disk.img.part.state", "disk.img.part"}));

  // An owner comes back; `get` again fetches only what is missing.
  start("alice");
  ASSERT_TRUE(carol->wait_line("* alice shares 1 file")) << carol->output();
  carol->write_line("get disk.img");
  EXPECT_TRUE(carol->wait_line("downloaded disk.img -> " + downloads + "/disk.img", kLong))
      << carol->output();
  EXPECT_EQ(file_sha256(downloads + "/disk.img"), file_sha256(first));
  const uint64_t second = served_bytes(peer("alice").log);
  EXPECT_GT(second, 0u);
  EXPECT_LT(second, kSize) << "the resumed download fetched everything again";
  EXPECT_EQ(listing(downloads), std::vector<std::string>{"disk.img"});
}

TEST_F(SharingTest, OneNameWithTwoContentsAsksWhichUser) {
  ASSERT_TRUE(write_file(peer("alice").share + "/notes.txt", "alice's notes"));
  ASSERT_TRUE(write_file(peer("bob").share + "/notes.txt", "bob's notes, longer"));
  start("alice");
  start("bob");
  Process* carol = start("carol");
  carol->write_line("get notes.txt");
  EXPECT_TRUE(carol->wait_line("notes.txt is shared with different contents:")) << carol->output();
  EXPECT_EQ(carol->wait_line("  alice  ").value_or(""),
            "  alice  13 bytes  sha256 " + sha256_hex("alice's notes").substr(0, 12));
  EXPECT_EQ(carol->wait_line("  bob  ").value_or(""),
            "  bob  19 bytes  sha256 " + sha256_hex("bob's notes, longer").substr(0, 12));
  EXPECT_TRUE(carol->wait_line("choose one: get notes.txt USER")) << carol->output();
  EXPECT_FALSE(carol->saw("downloading"));

  carol->write_line("get notes.txt bob");
  EXPECT_TRUE(carol->wait_line("downloading notes.txt (19 bytes) from bob")) << carol->output();
  EXPECT_TRUE(carol->wait_line("downloaded notes.txt -> ", kLong)) << carol->output();
  EXPECT_EQ(read_file(peer("carol").downloads + "/notes.txt").value_or(""), "bob's notes, longer");
  EXPECT_EQ(served_bytes(peer("alice").log), 0u);

  // By hash (any case): that content, whatever its name; the first copy is never overwritten.
  std::string alice_sha = sha256_hex("alice's notes");
  for (char& c : alice_sha) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  carol->write_line("get " + alice_sha);
  EXPECT_TRUE(carol->wait_line("downloading notes.txt (13 bytes) from alice")) << carol->output();
  EXPECT_TRUE(carol->wait_line(
      "downloaded notes.txt -> " + peer("carol").downloads + "/notes (1).txt (13 bytes in ", kLong))
      << carol->output();
  EXPECT_EQ(read_file(peer("carol").downloads + "/notes.txt").value_or(""), "bob's notes, longer");

  carol->write_line("get notes.txt dave");
  EXPECT_TRUE(carol->wait_line("dave does not share notes.txt (alice, bob do)")) << carol->output();
  carol->write_line("get no-such-file.txt");
  EXPECT_TRUE(carol->wait_line("nobody else shares no-such-file.txt")) << carol->output();
}

TEST_F(SharingTest, AnOfferReachesOnlyTheUserWhoAccepts) {
  const std::string report = random_data(52344, 4);
  ASSERT_TRUE(write_file(peer("alice").share + "/report.pdf", report));
  Process* alice = start("alice");
  Process* bob = start("bob");
  Process* carol = start("carol");

  alice->write_line("send report.pdf bob carol");
  EXPECT_TRUE(
      alice->wait_line("offered report.pdf (52344 bytes) to bob, carol — waiting for answers"))
      << alice->output();
  const std::string question = "alice offers report.pdf (52344 bytes, sha256 " +
                               sha256_hex(report).substr(0, 12) + ") — accept? [y/n]";
  ASSERT_TRUE(bob->wait_line(question)) << bob->output();
  ASSERT_TRUE(carol->wait_line(question)) << carol->output();
  bob->write_line("y");
  carol->write_line("n");
  EXPECT_TRUE(carol->wait_line("declined report.pdf from alice")) << carol->output();
  EXPECT_TRUE(bob->wait_line("accepted report.pdf from alice")) << bob->output();
  EXPECT_TRUE(bob->wait_line(
      "downloaded report.pdf -> " + peer("bob").downloads + "/report.pdf (52344 bytes in ", kLong))
      << bob->output();
  EXPECT_TRUE(alice->wait_line("bob accepted report.pdf")) << alice->output();
  EXPECT_TRUE(alice->saw("carol declined report.pdf")) << alice->output();
  EXPECT_EQ(read_file(peer("bob").downloads + "/report.pdf").value_or(""), report);
  EXPECT_TRUE(listing(peer("carol").downloads).empty()) << "the decliner received something";
  EXPECT_EQ(served_bytes(peer("alice").log), report.size()) << "exactly one copy went out";

  // Only files of the shared folder can be sent.
  const std::string outside = dir_.file("outside.txt");
  ASSERT_TRUE(write_file(outside, "not shared"));
  alice->write_line("send " + outside + " bob");
  EXPECT_TRUE(alice->wait_line(outside + " is not in your shared folder " + peer("alice").share +
                               " — copy it there first (the file server only serves that folder)"))
      << alice->output();
  alice->write_line("send missing.pdf bob");
  EXPECT_TRUE(alice->wait_line("missing.pdf: no such file in your shared folder"))
      << alice->output();

  // A file just dropped in is scanned and announced before it is offered.
  ASSERT_TRUE(write_file(peer("alice").share + "/fresh.txt", "just made"));
  alice->write_line("send fresh.txt bob");
  EXPECT_TRUE(alice->wait_line("offered fresh.txt (9 bytes) to bob — waiting for the answer"))
      << alice->output();
  ASSERT_TRUE(bob->wait_line("alice offers fresh.txt (9 bytes, sha256 ")) << bob->output();
  bob->write_line("n");
  EXPECT_TRUE(alice->wait_line("bob declined fresh.txt")) << alice->output();
}

TEST_F(SharingTest, SeveralQuestionsAreAnsweredOldestFirst) {
  ASSERT_TRUE(write_file(peer("alice").share + "/a.txt", "aaa"));
  Process* alice = start("alice");
  Process* bob = start("bob");
  Process* carol = start("carol");
  carol->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("carol wants to chat — accept? [y/n]")) << bob->output();
  alice->write_line("send a.txt bob");
  EXPECT_TRUE(bob->wait_line("alice offers a.txt (3 bytes, sha256 ")) << bob->output();
  EXPECT_TRUE(bob->saw("— queued: y/n answers the oldest question first")) << bob->output();
  bob->write_line("n");  // the chat request, the older question
  EXPECT_TRUE(bob->wait_line("declined carol's request")) << bob->output();
  EXPECT_TRUE(carol->wait_line("bob declined")) << carol->output();
  EXPECT_TRUE(bob->wait_line("alice offers a.txt (3 bytes, sha256 ")) << bob->output();
  bob->write_line("y");  // now the offer
  EXPECT_TRUE(bob->wait_line("downloaded a.txt -> ", kLong)) << bob->output();
  EXPECT_TRUE(alice->wait_line("bob accepted a.txt")) << alice->output();
}

TEST_F(SharingTest, AnEmptyFileAndAHundredMebibytes) {
  const std::string huge = peer("alice").share + "/huge.bin";
  write_random_file(huge, 100 * kMiB, 5);
  ASSERT_TRUE(write_file(peer("alice").share + "/empty.txt", ""));
  start("alice");
  Process* bob = start("bob");
  bob->write_line("get empty.txt");
  EXPECT_TRUE(bob->wait_line("downloaded empty.txt -> " + peer("bob").downloads +
                             "/empty.txt (0 bytes in "))
      << bob->output();
  ASSERT_TRUE(fs::exists(peer("bob").downloads + "/empty.txt"));
  EXPECT_EQ(fs::file_size(peer("bob").downloads + "/empty.txt"), 0u);

  bob->write_line("get huge.bin");
  EXPECT_TRUE(bob->wait_line(
      "downloaded huge.bin -> " + peer("bob").downloads + "/huge.bin (104857600 bytes in ", kLong))
      << bob->output();
  EXPECT_EQ(file_sha256(peer("bob").downloads + "/huge.bin"), file_sha256(huge));
}

TEST_F(SharingTest, TransfersShowsARunningAndAFinishedDownload) {
  write_random_file(peer("alice").share + "/slow.bin", 4 * kMiB, 6);
  start("alice", {"--serve-max-rate", std::to_string(kMiB)});
  Process* bob = start("bob");
  bob->write_line("transfers");
  EXPECT_TRUE(bob->wait_line("no transfers")) << bob->output();
  bob->write_line("get slow.bin");
  const std::string running = wait_percent(bob, "slow.bin", 1);
  ASSERT_NE(running, "") << bob->output();
  if (running.find("done") == std::string::npos) {
    EXPECT_NE(running.find("% of 4.0 MiB  "), std::string::npos) << running;
    EXPECT_NE(running.find("/s  ETA "), std::string::npos) << running;
    EXPECT_NE(running.find(" of 1 source"), std::string::npos) << running;
  }
  ASSERT_TRUE(bob->wait_line("downloaded slow.bin -> ", kLong)) << bob->output();
  bob->write_line("transfers");
  EXPECT_EQ(bob->wait_line("transfer").value_or(""), "1 transfer:");
  EXPECT_TRUE(bob->wait_line("  slow.bin  done -> " + peer("bob").downloads +
                             "/slow.bin (4194304 "
                             "bytes in "))
      << bob->output();
}

TEST_F(SharingTest, QuitStopsTheFileServer) {
  ASSERT_TRUE(write_file(peer("alice").share + "/x.txt", "x"));
  Process* alice = start("alice");
  const uint16_t port = served_port(peer("alice").log);
  ASSERT_NE(port, 0);
  {
    Expected<UniqueFd> s = connect_tcp("127.0.0.1", port, 2000);
    EXPECT_TRUE(s.ok()) << "the file server should be listening: " << s.message();
  }
  alice->write_line("quit");
  EXPECT_EQ(exit_status(alice->wait_exit()), 0) << alice->output();
  EXPECT_TRUE(refuses_connections(port));
  EXPECT_TRUE(served_bytes(peer("alice").log) == 0);
  const std::string log = read_file(peer("alice").log).value_or("");
  EXPECT_NE(log.find(" stopped: "), std::string::npos) << "stopped with SIGTERM, cleanly: " << log;
}

TEST_F(SharingTest, AReconnectedLobbyAnnouncesAgainAndKeepsServing) {
  ASSERT_TRUE(write_file(peer("alice").share + "/notes.txt", "kept across a broker restart"));
  Process* alice = start("alice");
  const uint16_t broker_port = broker_.port;
  broker_.proc->kill(SIGTERM);
  ASSERT_TRUE(broker_.proc->wait_exit());
  EXPECT_TRUE(alice->wait_line("lost the connection to the broker")) << alice->output();
  TempDir log2;
  // A restarted broker keeps its key (its state dir's broker.key): the lobby pinned it.
  broker_ = start_broker(log2.path(),
                         {"--port", std::to_string(broker_port), "--key", dir_.file("broker.key")});
  ASSERT_EQ(broker_.port, broker_port);
  ASSERT_TRUE(alice->wait_line("registered as alice on", seconds(20))) << alice->output();
  EXPECT_TRUE(alice->wait_line("sharing 1 file from")) << alice->output();

  // Same port and ticket key as before: the file server that kept running serves bob's ticket.
  Process* bob = start("bob");
  bob->write_line("get notes.txt");
  EXPECT_TRUE(bob->wait_line("downloaded notes.txt -> ", kLong)) << bob->output();
  EXPECT_EQ(read_file(peer("bob").downloads + "/notes.txt").value_or(""),
            "kept across a broker restart");
}

TEST_F(SharingTest, AChatSessionPausesSharingAndTheLobbyAfterItSharesAgain) {
  ASSERT_TRUE(write_file(peer("alice").share + "/notes.txt", "alice's notes"));
  write_random_file(peer("carol").share + "/slow.bin", 4 * kMiB, 7);
  Process* alice = start("alice");
  Process* bob = start("bob");
  start("carol", {"--serve-max-rate", std::to_string(kMiB)});
  const uint16_t alice_port = served_port(peer("alice").log);
  ASSERT_NE(alice_port, 0);
  alice->write_line("get slow.bin");
  // Past 25 %: the first 1 MiB block is complete and kept (one connection serves in order).
  ASSERT_NE(wait_percent(alice, "slow.bin", 30), "") << alice->output();

  bob->write_line("chat alice");
  ASSERT_TRUE(alice->wait_line("bob wants to chat — accept? [y/n]")) << alice->output();
  alice->write_line("y");
  // The peer program cannot look after the lobby's children: they stop before the exec.
  EXPECT_TRUE(
      alice->wait_line("download of slow.bin paused for the chat session — it resumes when you "
                       "are back in the lobby"))
      << alice->output();
  ASSERT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  EXPECT_TRUE(refuses_connections(alice_port)) << "the file server outlived the hand-off";
  alice->write_line("/quit");

  // Back in a new lobby: a new file server, the folder announced again, the download resumed
  // without a `get` (a `get` would now only race the resume).
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(alice->wait_line("sharing 1 file from")) << alice->output();
  // saw(), not wait_line(): the order of these and the sharing line is the lobby's business.
  EXPECT_TRUE(alice->saw("resuming slow.bin (paused for the chat session)", kDefaultWait))
      << alice->output();
  Process* dave = start("dave");
  dave->write_line("get notes.txt");
  EXPECT_TRUE(dave->wait_line("downloaded notes.txt -> ", kLong)) << dave->output();
  EXPECT_EQ(read_file(peer("dave").downloads + "/notes.txt").value_or(""), "alice's notes");
  EXPECT_TRUE(alice->saw("downloaded slow.bin -> ", kLong)) << alice->output();
  const std::string log = read_file(peer("carol").log).value_or("");
  size_t first_blocks = 0;
  for (size_t at = log.find(" offset=0 "); at != std::string::npos;
       at = log.find(" offset=0 ", at + 1))
    ++first_blocks;
  EXPECT_EQ(first_blocks, 1u) << "the resume fetched the first block again:\n" << log;
  EXPECT_EQ(file_sha256(peer("alice").downloads + "/slow.bin"),
            file_sha256(peer("carol").share + "/slow.bin"));
}

// The downloader asks for the session this time. What the chat session paused is written to the
// pause file and resumed by the lobby that comes back, without a `get`; only the missing blocks
// are fetched again.
TEST_F(SharingTest, ADownloadPausedForAChatSessionResumesByItselfAfterIt) {
  constexpr uint64_t kSize = 4 * kMiB;
  const std::string original = peer("carol").share + "/slow.bin";
  write_random_file(original, kSize, 10);
  Process* alice = start("alice");
  Process* bob = start("bob");
  start("carol", {"--serve-max-rate", std::to_string(kMiB)});
  alice->write_line("get slow.bin");
  // Past 25 %: the first 1 MiB block is complete and kept (one connection serves in order).
  ASSERT_NE(wait_percent(alice, "slow.bin", 30), "") << alice->output();

  alice->write_line("chat bob");
  ASSERT_TRUE(bob->wait_line("alice wants to chat — accept? [y/n]")) << bob->output();
  bob->write_line("y");
  ASSERT_TRUE(
      alice->wait_line("download of slow.bin paused for the chat session — it resumes when you "
                       "are back in the lobby"))
      << alice->output();
  ASSERT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  ASSERT_FALSE(alice->saw("downloaded slow.bin")) << "too fast to test a pause";
  const std::string downloads = peer("alice").downloads;
  EXPECT_EQ(
      read_file(downloads + "/.peerlink-paused-alice").value_or(""),
      "peerlink-paused 1\nuser alice\ndownload 4194304 " + file_sha256(original) + " slow.bin\n");

  // Carol's lobby restarts meanwhile, with a fresh serve log: every byte it logs from now on is
  // one the resumed download asked for.
  peer("carol").proc->write_line("quit");
  ASSERT_EQ(exit_status(peer("carol").proc->wait_exit()), 0);
  start("carol");

  alice->write_line("/quit");
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(alice->wait_line("resuming slow.bin (paused for the chat session)"))
      << alice->output();
  EXPECT_TRUE(
      alice->wait_line("downloaded slow.bin -> " + downloads + "/slow.bin (4194304 bytes", kLong))
      << alice->output();
  EXPECT_EQ(file_sha256(downloads + "/slow.bin"), file_sha256(original));
  const uint64_t after = served_bytes(peer("carol").log);
  EXPECT_GT(after, 0u);
  EXPECT_LT(after, kSize) << "the resumed download fetched everything again";
  // The pause file was consumed; nothing else is left behind.
  EXPECT_EQ(listing(downloads), std::vector<std::string>{"slow.bin"});
  alice->write_line("transfers");
  EXPECT_EQ(alice->wait_line("transfer").value_or(""), "1 transfer:") << alice->output();
}

// The owner is the chat partner: its files reach the broker only once its own lobby is back. The
// partner is held (SIGSTOP) so that ours is back first and has to wait for it.
TEST_F(SharingTest, APausedDownloadWaitsForItsOwnerToComeBackFromTheSession) {
  const std::string original = peer("carol").share + "/slow.bin";
  write_random_file(original, 4 * kMiB, 11);
  Process* alice = start("alice");
  Process* carol = start("carol", {"--serve-max-rate", std::to_string(kMiB)});
  alice->write_line("get slow.bin");
  ASSERT_NE(wait_percent(alice, "slow.bin", 30), "") << alice->output();

  carol->write_line("chat alice");
  ASSERT_TRUE(alice->wait_line("carol wants to chat — accept? [y/n]")) << alice->output();
  alice->write_line("y");
  ASSERT_TRUE(alice->wait_line("connected to carol")) << alice->output();
  ASSERT_TRUE(carol->wait_line("connected to alice")) << carol->output();
  ASSERT_FALSE(alice->saw("downloaded slow.bin")) << "too fast to test a pause";

  carol->kill(SIGSTOP);
  alice->write_line("/quit");
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(alice->wait_line(
      "nobody shares slow.bin right now — waiting up to 30 s for an owner to come back"))
      << alice->output();
  carol->kill(SIGCONT);
  ASSERT_TRUE(carol->wait_line("registered as carol on")) << carol->output();
  EXPECT_TRUE(alice->wait_line("resuming slow.bin (paused for the chat session)"))
      << alice->output();
  EXPECT_TRUE(alice->wait_line("downloaded slow.bin -> ", kLong)) << alice->output();
  EXPECT_EQ(file_sha256(peer("alice").downloads + "/slow.bin"), file_sha256(original));
}

// A file that reached the downloads folder during the session (a /send of the same file, say) is
// not fetched a second time.
TEST_F(SharingTest, APausedDownloadAlreadyInTheFolderIsNotResumed) {
  const std::string original = peer("carol").share + "/slow.bin";
  write_random_file(original, 4 * kMiB, 12);
  Process* alice = start("alice");
  Process* bob = start("bob");
  start("carol", {"--serve-max-rate", std::to_string(kMiB)});
  alice->write_line("get slow.bin");
  ASSERT_NE(wait_percent(alice, "slow.bin", 30), "") << alice->output();
  bob->write_line("chat alice");
  ASSERT_TRUE(alice->wait_line("bob wants to chat — accept? [y/n]")) << alice->output();
  alice->write_line("y");
  ASSERT_TRUE(alice->wait_line("connected to bob")) << alice->output();
  ASSERT_FALSE(alice->saw("downloaded slow.bin")) << "too fast to test a pause";

  const std::string downloads = peer("alice").downloads;
  fs::copy_file(original, downloads + "/slow.bin");
  alice->write_line("/quit");
  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  EXPECT_TRUE(alice->wait_line("slow.bin is already in " + downloads +
                               " (same size and sha256) — not resuming its download"))
      << alice->output();
  alice->write_line("transfers");
  EXPECT_TRUE(alice->wait_line("no transfers")) << alice->output();
  EXPECT_FALSE(alice->saw("resuming slow.bin")) << alice->output();
  EXPECT_FALSE(fs::exists(downloads + "/.peerlink-paused-alice"));
}

TEST_F(SharingTest, ACorruptPauseFileIsReportedRemovedAndTheLobbyWorks) {
  ASSERT_TRUE(write_file(peer("bob").share + "/notes.txt", "bob's notes"));
  start("bob");
  const std::string downloads = peer("alice").downloads;
  const std::string paused = downloads + "/.peerlink-paused-alice";
  fs::create_directories(downloads);
  // A planted line with a path for a name: the whole file is refused.
  ASSERT_TRUE(write_file(paused, "peerlink-paused 1\nuser alice\ndownload 11 " +
                                     sha256_hex("bob's notes") + " ..%2Fescape\n"));
  // Another user's pause file in the same folder is that user's business.
  const std::string zeds = "peerlink-paused 1\nuser zed\n";
  ASSERT_TRUE(write_file(downloads + "/.peerlink-paused-zed", zeds));
  Process* alice = start("alice");
  EXPECT_TRUE(alice->saw("ignoring " + paused +
                         ": line 3: bad file name — no paused download is resumed (get NAME "
                         "resumes one)"))
      << alice->output();
  EXPECT_FALSE(fs::exists(paused));
  alice->write_line("get notes.txt");
  EXPECT_TRUE(alice->wait_line("downloaded notes.txt -> " + downloads + "/notes.txt", kLong))
      << alice->output();
  EXPECT_EQ(read_file(downloads + "/notes.txt").value_or(""), "bob's notes");
  EXPECT_FALSE(alice->saw("resuming ")) << alice->output();
  EXPECT_EQ(read_file(downloads + "/.peerlink-paused-zed").value_or(""), zeds);

  // Garbage, then another user's list under alice's name: refused and removed just the same.
  const std::string zeds_under_alices_name =
      "peerlink-paused 1\nuser zed\ndownload 11 " + sha256_hex("bob's notes") + " notes.txt\n";
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {std::string("\0\xff garbage\n", 11), "not a peerlink pause file (or another version)"},
           {zeds_under_alices_name, "it lists downloads of zed"}}) {
    alice->write_line("quit");
    ASSERT_EQ(exit_status(alice->wait_exit()), 0);
    ASSERT_TRUE(write_file(paused, text));
    alice = start("alice");
    EXPECT_TRUE(alice->saw("ignoring " + paused + ": " + why + " — ")) << alice->output();
    EXPECT_FALSE(fs::exists(paused));
    EXPECT_FALSE(alice->saw("resuming ")) << alice->output();
  }
}

// Not run by default (run with --gtest_also_run_disabled_tests --gtest_filter='*Timing*'): the
// time from typing `get` to the `downloaded` line for 100 MiB, from one owner and from three.
TEST_F(SharingTest, DISABLED_Timing100MiBGet) {
  constexpr int kRuns = 3;
  const std::string first = peer("alice").share + "/bench.bin";
  write_random_file(first, 100 * kMiB, 9);
  for (const char* name : {"bob", "carol"}) {
    ASSERT_EQ(::link(first.c_str(), (peer(name).share + "/bench.bin").c_str()), 0);
  }
  start("alice");
  Process* dave = start("dave");
  auto run = [&](std::vector<double>* secs) {
    for (int i = 0; i < kRuns; ++i) {
      const auto t0 = Clock::now();
      dave->write_line("get bench.bin");
      ASSERT_TRUE(dave->wait_line("downloaded bench.bin -> ", kLong)) << dave->output();
      secs->push_back(std::chrono::duration<double>(Clock::now() - t0).count());
      fs::remove(peer("dave").downloads + "/bench.bin");
    }
    std::sort(secs->begin(), secs->end());
  };
  std::vector<double> one, three;
  run(&one);
  start("bob");
  start("carol");
  ASSERT_TRUE(dave->wait_line("* carol shares 1 file")) << dave->output();
  run(&three);
  auto row = [](const char* what, const std::vector<double>& s) {
    std::printf("%-28s median %.3f s  %6.1f MB/s  (runs: %.3f %.3f %.3f)\n", what, s[1],
                100.0 * kMiB / s[1] / 1e6, s[0], s[1], s[2]);
  };
  row("get 100 MiB from 1 owner", one);
  row("get 100 MiB from 3 owners", three);
}

}  // namespace
}  // namespace peerlink::testing
