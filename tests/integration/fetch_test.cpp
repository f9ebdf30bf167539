// Integration tests of fetch mode: the real `_peer_client --fetch` downloading from real
// `_peer_server --serve` processes on loopback, with sources from the real broker's WHOHAS reply
// or signed here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/crypto/sha256.h"
#include "common/crypto/ticket.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "common/wire/line_codec.h"
#include "tests/support/baselines.h"
#include "tests/support/line_client.h"
#include "tests/support/noise_peer.h"
#include "tests/support/peer_programs.h"
#include "tests/support/process.h"
#include "tests/support/tcp_relay.h"

namespace peerlink::testing {
namespace {

using std::chrono::seconds;
constexpr uint64_t kMiB = 1 << 20;
constexpr auto kFetchWait = std::chrono::milliseconds(120'000);

// A serve-mode server for one owner. Its key is kTestKey, the key LineClient registers with, so
// the broker's tickets are valid for it.
struct Owner {
  std::string name;
  std::string share;
  std::string log;
  std::unique_ptr<Process> proc;
  uint16_t port = 0;
  X25519KeyPair identity = x25519_generate();  // the owner's static key, which its server proves
};

// Each requester's static key pair (one per name, for the whole test program): what its fetch
// proves, and what its tickets are bound to.
const X25519KeyPair& requester_identity(const std::string& name) {
  static std::map<std::string, X25519KeyPair> keys;
  auto it = keys.find(name);
  if (it == keys.end()) it = keys.emplace(name, x25519_generate()).first;
  return it->second;
}

// HELLO, then REGISTER with the user's key as the 4th field: what a client on a plaintext
// connection claims (docs/PROTOCOL.md), so that the broker vouches for it in OWNER lines and binds
// tickets to it.
bool hello_register_keyed(LineClient* c, const std::string& name, uint16_t peer_port,
                          const X25519KeyPair& key) {
  const auto h = c->request("HELLO 1.0");
  if (h.empty() || h[0].rfind("OK HELLO", 0) != 0) return false;
  const auto r = c->request("REGISTER " + name + " " + std::to_string(peer_port) + " " + kTestKey +
                            " " + key_hex(key.public_key));
  return !r.empty() && r[0].rfind("OK REGISTERED " + name, 0) == 0;
}

// Writes `size` pseudo-random bytes (seeded) in 1 MiB pieces; returns their SHA-256 hex.
std::string write_random_file(const std::string& path, uint64_t size, unsigned seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  Sha256 h;
  uint64_t left = size;
  unsigned piece = 0;
  while (left > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, kMiB));
    const std::string data = random_data(n, seed * 7919 + piece++);
    out.write(data.data(), static_cast<std::streamsize>(n));
    h.update(data);
    left -= n;
  }
  const Sha256::Digest d = h.finish();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : d) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

std::string file_sha256(const std::string& path) {
  const Expected<std::string> hex = sha256_file(path);
  return hex.ok() ? *hex : "error: " + hex.message();
}

// Sum of `sent=` over the request lines of a server log (optionally only one requester's).
uint64_t served_bytes(const std::string& log, const std::string& user = "") {
  std::ifstream in(log);
  std::string line;
  uint64_t total = 0;
  while (std::getline(in, line)) {
    if (line.find(" get ") == std::string::npos) continue;
    if (!user.empty() && line.find(" user=" + user + " ") == std::string::npos) continue;
    const size_t at = line.rfind(" sent=");
    if (at != std::string::npos) total += std::strtoull(line.c_str() + at + 6, nullptr, 10);
  }
  return total;
}

// The bytes requested from any of `logs` (optionally by one requester), each range counted once:
// the endgame may ask two owners for the same range, and only one copy is used.
uint64_t distinct_requested_bytes(const std::vector<std::string>& logs,
                                  const std::string& user = "") {
  std::map<uint64_t, uint64_t> ranges;  // offset -> length
  for (const std::string& log : logs) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(" get ") == std::string::npos) continue;
      if (!user.empty() && line.find(" user=" + user + " ") == std::string::npos) continue;
      const size_t off = line.find(" offset=");
      const size_t len = line.find(" length=");
      if (off == std::string::npos || len == std::string::npos) continue;
      ranges[std::strtoull(line.c_str() + off + 8, nullptr, 10)] =
          std::strtoull(line.c_str() + len + 8, nullptr, 10);
    }
  }
  uint64_t total = 0;
  for (const auto& [offset, length] : ranges) total += length;
  return total;
}

std::string owner_line(const Owner& o, const std::string& file, uint64_t size,
                       const std::string& sha, const std::string& requester = "dave") {
  const TicketFields t{o.name, file, requester, static_cast<int64_t>(std::time(nullptr)) + 300,
                       key_hex(requester_identity(requester).public_key)};
  std::string line = LineWriter("OWNER")
                         .field(o.name)
                         .field("127.0.0.1")
                         .num(o.port)
                         .field(file)
                         .num(size)
                         .word(sha)
                         .word(key_hex(o.identity.public_key))
                         .word(sign_ticket(kTestKey, t))
                         .str();
  line.pop_back();  // the '\n'
  return line;
}

// The `done` field of a `progress <done> <total> <rate> <active>` line.
uint64_t progress_done(const std::string& line) {
  return std::strtoull(line.c_str() + line.find("progress ") + 9, nullptr, 10);
}

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    downloads_ = dir_.file("downloads");
    ASSERT_EQ(::mkdir(downloads_.c_str(), 0755), 0);
  }

  Owner& add_owner(const std::string& name) {
    auto o = std::make_unique<Owner>();
    o->name = name;
    o->share = dir_.file("share-" + name);
    o->log = dir_.file(name + ".log");
    EXPECT_EQ(::mkdir(o->share.c_str(), 0755), 0);
    owners_.push_back(std::move(o));
    return *owners_.back();
  }
  void start_owner(Owner& o, const std::vector<std::string>& extra = {}) {
    ServeProcess s =
        start_serve(serve_args(o.share, o.name, o.log), kTestKey, extra, {}, &o.identity);
    o.proc = std::move(s.proc);
    ASSERT_TRUE(o.proc);
    ASSERT_NE(s.port, 0) << o.proc->output();
    o.port = s.port;
  }

  std::unique_ptr<Process> fetch(const std::string& name, uint64_t size, const std::string& sha,
                                 const std::string& sources, const std::string& user = "dave",
                                 const std::vector<std::string>& extra = {}) {
    FetchArgs args;
    args.name = name;
    args.size = size;
    args.sha256 = sha;
    args.downloads = downloads_;
    args.user = user;
    args.progress_fd = 1;
    Process::Options options;
    options.secret = fetch_secret(requester_identity(user), sources);
    return Process::start(in_build(args.to_argv(), extra), options);
  }

  static int exit_code(Process& p, std::chrono::milliseconds wait = kFetchWait) {
    const auto status = p.wait_exit(wait);
    if (!status.has_value()) return -1;
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
  }

  // Waits for a progress line showing at least `bytes` done.
  static bool wait_progress(Process& p, uint64_t bytes) {
    for (;;) {
      const auto line = p.wait_line("progress ", seconds(60));
      if (!line) return false;
      if (progress_done(*line) >= bytes) return true;
    }
  }

  std::vector<std::string> downloads_listing() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(downloads_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
  std::string downloads_;
  std::vector<std::unique_ptr<Owner>> owners_;
};

TEST_F(FetchTest, ThreeOwnersFoundThroughTheBrokerEachServeRanges) {
  BrokerProcess broker = start_plaintext_broker(dir_.path());  // LineClient lobbies
  ASSERT_NE(broker.port, 0);
  constexpr uint64_t kSize = 12 * kMiB;
  std::string sha;
  std::vector<std::unique_ptr<LineClient>> lobbies;
  for (const char* name : {"alice", "bob", "carol"}) {
    Owner& o = add_owner(name);
    sha = write_random_file(o.share + "/big.bin", kSize, 1);
    // A cap per owner keeps any one of them from taking every block before the others connect.
    start_owner(o, {"--max-rate", std::to_string(8 * kMiB)});
    auto lobby = std::make_unique<LineClient>(broker.port);
    ASSERT_TRUE(hello_register_keyed(lobby.get(), name, o.port, o.identity));
    ASSERT_TRUE(lobby->send("ANNOUNCE 1"));
    const auto reply = lobby->request("FILE big.bin " + std::to_string(kSize) + " " + sha);
    ASSERT_EQ(reply.at(0), "OK ANNOUNCED 1");
    lobbies.push_back(std::move(lobby));
  }
  LineClient dave(broker.port);
  ASSERT_TRUE(hello_register_keyed(&dave, "dave", 40009, requester_identity("dave")));
  const auto whohas = dave.request("WHOHAS " + sha, true);
  ASSERT_EQ(whohas.at(0), "OK WHOHAS 3");
  std::string sources;
  for (size_t i = 1; i < whohas.size(); ++i) sources += whohas[i] + "\n";

  auto p = fetch("big.bin", kSize, sha, sources);
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("downloaded big.bin -> " + downloads_ +
                     "/big.bin (12582912 bytes, sha256 verified, from 3 sources)"))
      << p->output();
  EXPECT_TRUE(p->saw("done " + percent_encode(downloads_ + "/big.bin")));
  EXPECT_EQ(file_sha256(downloads_ + "/big.bin"), sha);
  uint64_t total = 0;
  for (const auto& o : owners_) {
    const uint64_t b = served_bytes(o->log);
    EXPECT_GT(b, 0u) << o->name << " served nothing";
    total += b;
  }
  // Every range once; at the end the endgame may have sent some twice (a copy it then dropped).
  EXPECT_EQ(distinct_requested_bytes({owners_[0]->log, owners_[1]->log, owners_[2]->log}), kSize);
  EXPECT_GE(total, kSize);
  EXPECT_LE(total, kSize + 6 * kMiB);
  EXPECT_EQ(downloads_listing(), std::vector<std::string>{"big.bin"}) << "no .part, no state";
}

TEST_F(FetchTest, AnOwnerKilledMidDownloadIsReplacedByTheOthers) {
  constexpr uint64_t kSize = 24 * kMiB;
  std::string sha, sources;
  for (const char* name : {"alice", "bob", "carol"}) {
    Owner& o = add_owner(name);
    sha = write_random_file(o.share + "/movie.mkv", kSize, 2);
    // Capped so the download surely lasts past the kill (about 2 s at 12 MiB/s in all).
    start_owner(o, {"--max-rate", std::to_string(4 * kMiB)});
  }
  for (const auto& o : owners_) sources += owner_line(*o, "movie.mkv", kSize, sha) + "\n";
  auto p = fetch("movie.mkv", kSize, sha, sources);
  ASSERT_TRUE(wait_progress(*p, kSize / 5)) << p->output();
  owners_[1]->proc->kill(SIGKILL);
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("source bob (127.0.0.1:" + std::to_string(owners_[1]->port) + ") failed"))
      << p->output();
  EXPECT_TRUE(p->saw("sha256 verified"));
  EXPECT_EQ(file_sha256(downloads_ + "/movie.mkv"), sha);
  EXPECT_GT(served_bytes(owners_[0]->log), 0u);
  EXPECT_GT(served_bytes(owners_[2]->log), 0u);
}

TEST_F(FetchTest, AKilledFetchResumesWithOnlyTheMissingBlocks) {
  constexpr uint64_t kSize = 16 * kMiB;
  std::string sha;
  for (const char* name : {"alice", "bob"}) {
    Owner& o = add_owner(name);
    sha = write_random_file(o.share + "/disk.img", kSize, 3);
    start_owner(o, {"--max-rate", std::to_string(4 * kMiB)});
  }
  std::string first_sources, second_sources;
  for (const auto& o : owners_) {
    first_sources += owner_line(*o, "disk.img", kSize, sha, "dave") + "\n";
    // The resume runs as another requester only so that the logs tell its requests apart.
    second_sources += owner_line(*o, "disk.img", kSize, sha, "dave2") + "\n";
  }
  auto first = fetch("disk.img", kSize, sha, first_sources, "dave");
  ASSERT_TRUE(wait_progress(*first, kSize * 2 / 5)) << first->output();
  first->kill(SIGKILL);
  first->wait_exit();
  ASSERT_TRUE(std::filesystem::exists(downloads_ + "/disk.img.part"));
  ASSERT_TRUE(std::filesystem::exists(downloads_ + "/.disk.img.part.state"));
  EXPECT_FALSE(std::filesystem::exists(downloads_ + "/disk.img"));

  auto second = fetch("disk.img", kSize, sha, second_sources, "dave2");
  ASSERT_EQ(exit_code(*second), 0) << second->output();
  const auto resumed = second->wait_line("resuming disk.img: ");
  ASSERT_TRUE(resumed.has_value()) << second->output();
  const uint64_t already = std::strtoull(resumed->c_str() + resumed->find(": ") + 2, nullptr, 10);
  EXPECT_GE(already, 2 * kMiB);
  const uint64_t second_run = distinct_requested_bytes({owners_[0]->log, owners_[1]->log}, "dave2");
  EXPECT_LT(second_run, kSize);
  EXPECT_EQ(second_run, kSize - already) << "exactly the missing blocks are fetched again";
  EXPECT_EQ(file_sha256(downloads_ + "/disk.img"), sha);
  EXPECT_EQ(downloads_listing(), std::vector<std::string>{"disk.img"});
}

TEST_F(FetchTest, ACorruptedOwnerGivesAChecksumMismatchAndNothingUnderTheName) {
  constexpr uint64_t kSize = 3 * kMiB + 5;
  Owner& o = add_owner("mallory");
  const std::string real_sha = write_random_file(dir_.file("real.bin"), kSize, 4);
  write_random_file(o.share + "/doc.pdf", kSize, 5);  // same size, other bytes
  start_owner(o);
  auto p = fetch("doc.pdf", kSize, real_sha, owner_line(o, "doc.pdf", kSize, real_sha));
  EXPECT_EQ(exit_code(*p), 1) << p->output();
  EXPECT_TRUE(p->saw("doc.pdf: download failed: checksum mismatch")) << p->output();
  EXPECT_TRUE(p->saw("failed checksum%20mismatch"));
  EXPECT_TRUE(downloads_listing().empty()) << "no final file, no .part, no state";
}

TEST_F(FetchTest, SameNameFromTwoUsersDownloadsTheOneWithTheAskedHash) {
  BrokerProcess broker = start_plaintext_broker(dir_.path());  // LineClient lobbies
  ASSERT_NE(broker.port, 0);
  Owner& alice = add_owner("alice");
  Owner& bob = add_owner("bob");
  ASSERT_TRUE(write_file(alice.share + "/notes.txt", "alice's notes"));
  ASSERT_TRUE(write_file(bob.share + "/notes.txt", "bob's notes, longer"));
  const std::string bob_sha = sha256_hex("bob's notes, longer");
  start_owner(alice);
  start_owner(bob);
  std::vector<std::unique_ptr<LineClient>> lobbies;
  for (Owner* o : {&alice, &bob}) {
    auto lobby = std::make_unique<LineClient>(broker.port);
    ASSERT_TRUE(hello_register_keyed(lobby.get(), o->name, o->port, o->identity));
    const std::string content = *read_file(o->share + "/notes.txt");
    ASSERT_TRUE(lobby->send("ANNOUNCE 1"));
    ASSERT_EQ(lobby
                  ->request("FILE notes.txt " + std::to_string(content.size()) + " " +
                            sha256_hex(content))
                  .at(0),
              "OK ANNOUNCED 1");
    lobbies.push_back(std::move(lobby));
  }
  LineClient dave(broker.port);
  ASSERT_TRUE(hello_register_keyed(&dave, "dave", 40009, requester_identity("dave")));
  const auto whohas = dave.request("WHOHAS notes.txt", true);
  ASSERT_EQ(whohas.at(0), "OK WHOHAS 2");
  const std::string sources = whohas.at(1) + "\n" + whohas.at(2) + "\n";

  auto p = fetch("notes.txt", 19, bob_sha, sources);
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("ignoring source alice")) << p->output();
  EXPECT_EQ(read_file(downloads_ + "/notes.txt").value_or(""), "bob's notes, longer");
  EXPECT_EQ(served_bytes(alice.log), 0u);
  EXPECT_EQ(served_bytes(bob.log), 19u);
}

// The request lines of a server log (refused ones included).
size_t request_lines(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) n += line.find(" get ") != std::string::npos ? 1 : 0;
  return n;
}

// Issue 9: the broker vouches for each owner's key in its OWNER line. A file server that cannot
// prove that key (an impostor at the owner's address, or the owner's line tampered with) is
// refused before the downloader reveals its own key or sends a ticket; the other sources carry
// on.
TEST_F(FetchTest, AFileServerWithAnotherKeyThanTheVouchedOneIsRefused) {
  Owner& alice = add_owner("alice");
  Owner& bob = add_owner("bob");
  const std::string content = random_data(200'000, 21);
  ASSERT_TRUE(write_file(alice.share + "/song.ogg", content));
  ASSERT_TRUE(write_file(bob.share + "/song.ogg", content));
  start_owner(alice);
  start_owner(bob);
  const std::string sha = sha256_hex(content);
  // Alice's line vouches for a key her server does not hold.
  std::string forged = owner_line(alice, "song.ogg", content.size(), sha);
  const std::string real_key = key_hex(alice.identity.public_key);
  ASSERT_NE(forged.find(real_key), std::string::npos);
  forged.replace(forged.find(real_key), real_key.size(), key_hex(x25519_generate().public_key));
  const std::string refusal =
      "source alice (127.0.0.1:" + std::to_string(alice.port) +
      ") failed: alice's file server presented a key the broker did not vouch for";

  auto p = fetch("song.ogg", content.size(), sha,
                 forged + "\n" + owner_line(bob, "song.ogg", content.size(), sha) + "\n");
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw(refusal)) << p->output();
  EXPECT_EQ(read_file(downloads_ + "/song.ogg").value_or(""), content);
  EXPECT_EQ(served_bytes(bob.log), content.size());

  std::filesystem::remove(downloads_ + "/song.ogg");
  auto alone = fetch("song.ogg", content.size(), sha, forged + "\n");
  EXPECT_EQ(exit_code(*alone), 1) << alone->output();
  EXPECT_TRUE(alone->saw(refusal)) << alone->output();
  EXPECT_TRUE(alone->saw("all sources failed")) << alone->output();
  EXPECT_EQ(request_lines(alice.log), 0u) << "alice's server was never sent a GET (nor a ticket)";
}

// Issue 9: what crosses the wire during a real download holds no piece of the file, and neither
// its name, the requester's nor the ticket.
TEST_F(FetchTest, ADownloadCrossesTheWireEncrypted) {
  Owner& o = add_owner("alice");
  const std::string content = random_data(3 * kMiB + 17, 22);
  ASSERT_TRUE(write_file(o.share + "/clip.mp4", content));
  start_owner(o);
  TcpRelay relay(o.port);
  ASSERT_NE(relay.port(), 0);
  const std::string sha = sha256_hex(content);
  std::string line = owner_line(o, "clip.mp4", content.size(), sha);
  const std::string ticket = line.substr(line.rfind(' ') + 1);
  const uint16_t real_port = o.port;
  o.port = relay.port();  // the line sends the downloader through the relay
  line = owner_line(o, "clip.mp4", content.size(), sha);
  o.port = real_port;
  auto p = fetch("clip.mp4", content.size(), sha, line + "\n");
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  ASSERT_EQ(read_file(downloads_ + "/clip.mp4").value_or(""), content);
  const std::string down = relay.recorded(TcpRelay::Direction::kToClient);
  const std::string up = relay.recorded(TcpRelay::Direction::kToServer);
  ASSERT_GT(down.size(), content.size());
  size_t in_clear = 0;
  for (size_t at = 0; at + 16 <= content.size(); at += 4099)
    in_clear += down.find(content.substr(at, 16)) != std::string::npos ? 1 : 0;
  EXPECT_EQ(in_clear, 0u);
  for (const std::string& word : {std::string("clip.mp4"), std::string("dave"), ticket}) {
    EXPECT_EQ(up.find(word), std::string::npos) << word;
    EXPECT_EQ(down.find(word), std::string::npos) << word;
  }
}

// Issue 9: a bit flipped in a transport message from the file server (an active attacker on the
// path) fails that source at once, and no file appears.
TEST_F(FetchTest, AFlippedBitFromTheServerFailsTheSource) {
  Owner& o = add_owner("alice");
  const std::string content = random_data(500'000, 23);
  ASSERT_TRUE(write_file(o.share + "/f.bin", content));
  start_owner(o);
  TcpRelay relay(o.port);
  // Past the server's handshake (2 + 96 bytes) and the RANGE frame's message (2 + 5 + 28 + 16),
  // into the first DATA frame's.
  relay.flip(TcpRelay::Direction::kToClient, 98 + 51 + 2 + 100, 0x04);
  const std::string sha = sha256_hex(content);
  const uint16_t real_port = o.port;
  o.port = relay.port();
  const std::string line = owner_line(o, "f.bin", content.size(), sha);
  o.port = real_port;
  auto p = fetch("f.bin", content.size(), sha, line + "\n");
  EXPECT_EQ(exit_code(*p), 1) << p->output();
  EXPECT_TRUE(p->saw("source alice (127.0.0.1:" + std::to_string(relay.port()) +
                     ") failed: noise: a message failed to authenticate"))
      << p->output();
  EXPECT_FALSE(std::filesystem::exists(downloads_ + "/f.bin"));
}

TEST_F(FetchTest, AnExistingFileIsNeverOverwritten) {
  Owner& o = add_owner("alice");
  ASSERT_TRUE(write_file(o.share + "/report.txt", "the new report"));
  start_owner(o);
  ASSERT_TRUE(write_file(downloads_ + "/report.txt", "mine"));
  const std::string sha = sha256_hex("the new report");
  auto p = fetch("report.txt", 14, sha, owner_line(o, "report.txt", 14, sha));
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("-> " + downloads_ + "/report (1).txt")) << p->output();
  EXPECT_EQ(read_file(downloads_ + "/report.txt").value_or(""), "mine");
  EXPECT_EQ(read_file(downloads_ + "/report (1).txt").value_or(""), "the new report");
}

TEST_F(FetchTest, AZeroByteFileIsCreatedAndVerified) {
  Owner& o = add_owner("alice");
  ASSERT_TRUE(write_file(o.share + "/empty.txt", ""));
  start_owner(o);
  const std::string sha = sha256_hex("");
  auto p = fetch("empty.txt", 0, sha, owner_line(o, "empty.txt", 0, sha));
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("downloaded empty.txt -> " + downloads_ +
                     "/empty.txt (0 bytes, sha256 verified, from 0 sources)"))
      << p->output();
  ASSERT_TRUE(std::filesystem::exists(downloads_ + "/empty.txt"));
  EXPECT_EQ(std::filesystem::file_size(downloads_ + "/empty.txt"), 0u);
}

TEST_F(FetchTest, AHostileNameIsSanitized) {
  Owner& o = add_owner("alice");
  ASSERT_TRUE(write_file(o.share + "/evil.sh", "x"));
  start_owner(o);
  const std::string sha = sha256_hex("x");
  auto p = fetch("../../.evil.sh", 1, sha, owner_line(o, "evil.sh", 1, sha));
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_EQ(downloads_listing(), std::vector<std::string>{"evil.sh"});
}

TEST_F(FetchTest, WhenEverySourceFailsThePartIsKeptForALaterResume) {
  constexpr uint64_t kSize = 2 * kMiB;
  Owner& o = add_owner("alice");
  const std::string sha = write_random_file(o.share + "/a.bin", kSize, 6);
  start_owner(o);
  // A port nobody listens on: take a free one and close it again.
  uint16_t dead_port = 0;
  {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok());
    dead_port = local_port(l->get());
  }
  Owner dead{"bob", "", "", nullptr, dead_port};
  std::string bad_ticket = owner_line(o, "a.bin", kSize, sha);
  bad_ticket.back() = bad_ticket.back() == '0' ? '1' : '0';
  auto p = fetch("a.bin", kSize, sha, owner_line(dead, "a.bin", kSize, sha) + "\n" + bad_ticket);
  EXPECT_EQ(exit_code(*p), 1) << p->output();
  EXPECT_TRUE(
      p->saw("source bob (127.0.0.1:" + std::to_string(dead_port) + ") failed: cannot reach"))
      << p->output();
  EXPECT_TRUE(p->saw("source alice")) << p->output();
  EXPECT_TRUE(p->saw("refused: forged ticket")) << p->output();
  EXPECT_TRUE(p->saw("all sources failed")) << p->output();
  EXPECT_EQ(downloads_listing(), (std::vector<std::string>{".a.bin.part.state", "a.bin.part"}));

  auto again = fetch("a.bin", kSize, sha, owner_line(o, "a.bin", kSize, sha));
  ASSERT_EQ(exit_code(*again), 0) << again->output();
  EXPECT_TRUE(again->saw("resuming a.bin: 0 of 2097152 bytes already here")) << again->output();
  EXPECT_EQ(file_sha256(downloads_ + "/a.bin"), sha);
}

TEST_F(FetchTest, SigtermStopsTheFetchAndKeepsThePartForResume) {
  constexpr uint64_t kSize = 8 * kMiB;
  Owner& o = add_owner("alice");
  const std::string sha = write_random_file(o.share + "/t.bin", kSize, 10);
  start_owner(o, {"--max-rate", std::to_string(2 * kMiB)});
  auto p = fetch("t.bin", kSize, sha, owner_line(o, "t.bin", kSize, sha));
  ASSERT_TRUE(wait_progress(*p, kMiB)) << p->output();
  p->kill(SIGTERM);
  EXPECT_EQ(exit_code(*p), 1) << p->output();
  EXPECT_TRUE(p->saw("t.bin: download failed: interrupted (")) << p->output();
  EXPECT_TRUE(p->saw("failed interrupted"));
  EXPECT_EQ(downloads_listing(), (std::vector<std::string>{".t.bin.part.state", "t.bin.part"}));
}

TEST_F(FetchTest, AForeignPartFileIsLeftAlone) {
  Owner& o = add_owner("alice");
  ASSERT_TRUE(write_file(o.share + "/x.txt", "xx"));
  start_owner(o);
  ASSERT_TRUE(write_file(downloads_ + "/x.txt.part", "someone else's"));
  const std::string sha = sha256_hex("xx");
  auto p = fetch("x.txt", 2, sha, owner_line(o, "x.txt", 2, sha));
  EXPECT_EQ(exit_code(*p), 1) << p->output();
  EXPECT_TRUE(p->saw("is not a download in progress")) << p->output();
  EXPECT_EQ(read_file(downloads_ + "/x.txt.part").value_or(""), "someone else's");
}

TEST_F(FetchTest, ACorruptStateStartsOver) {
  constexpr uint64_t kSize = 3 * kMiB;
  Owner& o = add_owner("alice");
  const std::string sha = write_random_file(o.share + "/c.bin", kSize, 7);
  start_owner(o);
  ASSERT_TRUE(write_file(downloads_ + "/c.bin.part", std::string(kSize, 'z')));
  ASSERT_TRUE(write_file(downloads_ + "/.c.bin.part.state", "peerlink-fetch-state 1\nbroken\n"));
  auto p = fetch("c.bin", kSize, sha, owner_line(o, "c.bin", kSize, sha));
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_EQ(served_bytes(o.log), kSize) << "every block fetched again";
  EXPECT_EQ(file_sha256(downloads_ + "/c.bin"), sha);
}

TEST_F(FetchTest, BadUsageExitsTwo) {
  const std::string sha(64, 'a');
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--name", "x", "--size", "1", "--sha256", sha, "--downloads", downloads_},
           {"--name", "x", "--size", "-1", "--sha256", sha, "--downloads", downloads_, "--user",
            "dave"},
           {"--name", "x", "--size", "1", "--sha256", "abc", "--downloads", downloads_, "--user",
            "dave"},
           {"--name", "x", "--size", "1", "--sha256", sha, "--downloads", downloads_, "--user",
            "dave", "--progress-fd", "999"},
       }) {
    std::vector<std::string> argv = {bin_path("_peer_client"), "--fetch"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = Process::start(argv);
    EXPECT_EQ(exit_code(*p, seconds(10)), 2) << p->output();
  }
}

TEST_F(FetchTest, AHundredMebibyteFileArrivesIntact) {
  constexpr uint64_t kSize = 100 * kMiB;
  Owner& a = add_owner("alice");
  const std::string sha = write_random_file(a.share + "/huge.bin", kSize, 8);
  start_owner(a);
  Owner& b = add_owner("bob");
  // The same bytes under a hard link: no second 100 MiB on disk.
  ASSERT_EQ(::link((a.share + "/huge.bin").c_str(), (b.share + "/huge.bin").c_str()), 0);
  start_owner(b);
  const std::string sources =
      owner_line(a, "huge.bin", kSize, sha) + "\n" + owner_line(b, "huge.bin", kSize, sha) + "\n";
  auto p = fetch("huge.bin", kSize, sha, sources);
  ASSERT_EQ(exit_code(*p), 0) << p->output();
  EXPECT_TRUE(p->saw("(104857600 bytes, sha256 verified")) << p->output();
  EXPECT_EQ(file_sha256(downloads_ + "/huge.bin"), sha);
  EXPECT_EQ(distinct_requested_bytes({a.log, b.log}), kSize);
  EXPECT_GE(served_bytes(a.log) + served_bytes(b.log), kSize);
  EXPECT_LE(served_bytes(a.log) + served_bytes(b.log), kSize + 4 * kMiB);
}

// The endgame: a source that keeps its connection alive but nearly stops answering (4 KiB/s: a
// 64 KiB frame every 16 s, so never silent for the 30 s that would fail it) holds the blocks it
// took. Once the others run out of work they fetch those blocks too; the first copy is written,
// the download completes and verifies without waiting for the slow one. Before the endgame this
// waited for the slow source (over 4 minutes a block), past the deadline.
TEST_F(FetchTest, ASourceThatStallsAtTheEndIsOvertakenByTheOthers) {
  constexpr uint64_t kSize = 8 * kMiB;
  std::string sha, sources;
  for (const char* name : {"alice", "bob", "carol"}) {
    Owner& o = add_owner(name);
    sha = write_random_file(o.share + "/tail.bin", kSize, 12);
    if (o.name == "alice") {
      start_owner(o, {"--max-rate", "4096"});
    } else {
      start_owner(o);
    }
    sources += owner_line(o, "tail.bin", kSize, sha) + "\n";
  }
  auto p = fetch("tail.bin", kSize, sha, sources);
  ASSERT_EQ(exit_code(*p, std::chrono::milliseconds(60'000)), 0) << p->output();
  EXPECT_TRUE(p->saw("(8388608 bytes, sha256 verified")) << p->output();
  EXPECT_FALSE(p->saw("failed")) << "the slow source is left, not failed: " << p->output();
  EXPECT_EQ(file_sha256(downloads_ + "/tail.bin"), sha);
  EXPECT_EQ(downloads_listing(), std::vector<std::string>{"tail.bin"});
  // alice did take work (and so held blocks the others had to fetch again), but delivered little.
  // Her server logs a request when it ends: stopping it ends the one it is pacing.
  owners_[0]->proc->kill(SIGTERM);
  ASSERT_TRUE(owners_[0]->proc->wait_exit(seconds(30)).has_value());
  std::ifstream in(owners_[0]->log);
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find(" get "), std::string::npos) << "alice was never asked for anything";
  EXPECT_LT(served_bytes(owners_[0]->log), 1 * kMiB);
}

// Not run by default (run with --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*'):
// download rates of a 100 MiB file from one owner and from three, next to a baseline measured in
// the same run — one plain TCP connection on loopback (sendfile on one side, recv + write to a
// file on the other), with and without hashing the result afterwards as fetch mode does.
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Copies `src` over one loopback TCP connection into `dst`; returns the seconds taken.
double baseline_copy(const std::string& src, const std::string& dst) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  const uint16_t port = local_port(l->get());
  const auto t0 = std::chrono::steady_clock::now();
  std::thread sender([&] {
    UniqueFd c(::accept4(l->get(), nullptr, nullptr, SOCK_CLOEXEC));
    UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
    off_t pos = 0;
    const auto size = static_cast<size_t>(std::filesystem::file_size(src));
    while (static_cast<size_t>(pos) < size) {
      if (::sendfile(c.get(), in.get(), &pos, size - static_cast<size_t>(pos)) <= 0) break;
    }
  });
  Expected<UniqueFd> c = connect_tcp("127.0.0.1", port);
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  std::vector<char> buf(1 << 20);
  for (;;) {
    size_t got = 0;
    if (!recv_some(c->get(), buf.data(), buf.size(), &got).ok() || got == 0) break;
    (void)send_all(out.get(), buf.data(), got);
  }
  out.reset();
  const double secs = seconds_since(t0);
  sender.join();
  return secs;
}

// Pulls a whole file from a serve-mode server over one (encrypted) connection in 1 MiB GETs,
// writing it to `dst` without hashing: the transport alone. Returns the seconds taken, or -1 on
// failure.
double serve_protocol_copy(uint16_t port, const std::string& file, uint64_t size,
                           const std::string& ticket, const std::string& dst) {
  const auto t0 = std::chrono::steady_clock::now();
  Expected<NoisePeer> c = noise_connect(port, kPrologueServe, requester_identity("dave"));
  if (!c) return -1;
  NoiseChannel* channel = c->channel.get();
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  Frame f;
  for (uint64_t off = 0; off < size; off += kMiB) {
    GetRequest g;
    g.id = static_cast<uint32_t>(off / kMiB);
    g.offset = off;
    g.length = std::min<uint64_t>(kMiB, size - off);
    g.requester = "dave";
    g.file = file;
    g.ticket = ticket;
    if (!send_frame(channel, wire::kGet, encode_get_request(g)).ok()) return -1;
    if (!receive_frame(channel, &f).ok() || f.type != wire::kRange) return -1;
    uint64_t pos = off;
    while (receive_frame(channel, &f).ok() && f.type == wire::kData) {
      if (::pwrite(out.get(), f.payload.data() + 4, f.payload.size() - 4, static_cast<off_t>(pos)) <
          0)
        return -1;
      pos += f.payload.size() - 4;
    }
    if (f.type != wire::kDone || pos != off + g.length) return -1;
  }
  out.reset();
  return seconds_since(t0);
}

// PEERLINK_BENCH_MIB sets the file size (default 1024: the 1 GiB).
uint64_t bench_bytes() {
  const char* mib = std::getenv("PEERLINK_BENCH_MIB");
  const uint64_t n = mib != nullptr ? std::strtoull(mib, nullptr, 10) : 0;
  return (n > 0 ? n : 1024) * kMiB;
}

// The benchmarks run on tmpfs (/dev/shm) unless TMPDIR says otherwise: the figures are
// for tmpfs on both sides, and a disk would measure the disk.
class FetchBench : public FetchTest {
 protected:
  static void SetUpTestSuite() {
    if (std::getenv("TMPDIR") == nullptr && ::access("/dev/shm", W_OK) == 0)
      ::setenv("TMPDIR", "/dev/shm", 0);
  }

  // Seconds for one `_peer_client --fetch` of bench.bin from `owners`, checked.
  double timed_fetch(const std::vector<Owner*>& owners, uint64_t size, const std::string& sha) {
    std::string sources;
    for (const Owner* o : owners) sources += owner_line(*o, "bench.bin", size, sha) + "\n";
    const auto t0 = std::chrono::steady_clock::now();
    auto p = fetch("bench.bin", size, sha, sources);
    const int code = exit_code(*p);
    const double secs = seconds_since(t0);
    EXPECT_EQ(code, 0) << p->output();
    std::filesystem::remove(downloads_ + "/bench.bin");
    return code == 0 ? secs : -1;
  }

  // Owners NAMES, all sharing one `size`-byte bench.bin (hard links); returns its SHA-256.
  std::string bench_owners(const std::vector<std::string>& names, uint64_t size,
                           const std::vector<std::string>& extra = {}) {
    std::string sha;
    for (const std::string& name : names) {
      Owner& o = add_owner(name);
      if (owners_.size() == 1) {
        sha = write_random_file(o.share + "/bench.bin", size, 9);
      } else {
        EXPECT_EQ(
            ::link((owners_[0]->share + "/bench.bin").c_str(), (o.share + "/bench.bin").c_str()),
            0);
      }
      start_owner(o, extra);
    }
    return sha;
  }
};

std::string fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// One machine-readable row of `make bench`'s summary (tests/tools/bench_table.sh).
void table_line(const std::string& row, const std::string& now, const std::string& base,
                const std::string& goal, bool met) {
  std::printf("TABLE|%s|%s|%s|%s|%s\n", row.c_str(), now.c_str(), base.c_str(), goal.c_str(),
              met ? "yes" : "no");
}

TEST_F(FetchBench, DISABLED_BenchmarkDownload) {
  const uint64_t kSize = bench_bytes();
  constexpr int kRuns = 3;
  const std::string sha = bench_owners({"alice", "bob", "carol"}, kSize);
  const std::string src = owners_[0]->share + "/bench.bin";
  const std::string dst = downloads_ + "/bench.bin";
  const std::string ticket = sign_ticket(
      kTestKey, {"alice", "bench.bin", "dave", static_cast<int64_t>(std::time(nullptr)) + 300,
                 key_hex(requester_identity("dave").public_key)});
  std::vector<double> copy, copy_hash, serve, one, three, nc, scp;
  for (int run = 0; run < kRuns; ++run) {
    if (const auto t = nc_copy_seconds(src, dst)) nc.push_back(*t);
    std::filesystem::remove(dst);
    if (const auto t = scp_copy_seconds(src, dst, kScpAesGcm)) scp.push_back(*t);
    std::filesystem::remove(dst);

    const double c = baseline_copy(src, dst);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(file_sha256(dst), sha);
    copy.push_back(c);
    copy_hash.push_back(c + seconds_since(t0));
    std::filesystem::remove(dst);

    serve.push_back(serve_protocol_copy(owners_[0]->port, "bench.bin", kSize, ticket, dst));
    ASSERT_GT(serve.back(), 0);
    ASSERT_EQ(file_sha256(dst), sha);
    std::filesystem::remove(dst);

    one.push_back(timed_fetch({owners_[0].get()}, kSize, sha));
    three.push_back(
        timed_fetch({owners_[0].get(), owners_[1].get(), owners_[2].get()}, kSize, sha));
  }
  auto row = [&](const char* what, const std::vector<double>& secs) {
    const double m = median(secs);
    std::printf("%-52s %7.3f s %8.1f MB/s  (runs:", what, m, static_cast<double>(kSize) / m / 1e6);
    for (double x : secs) std::printf(" %.3f", x);
    std::printf(")\n");
  };
  std::printf("%llu MiB on tmpfs and loopback, median of %d interleaved runs\n",
              static_cast<unsigned long long>(kSize / kMiB), kRuns);
  if (!nc.empty()) {
    row("baseline: nc 127.0.0.1 PORT < file  -> file", nc);
  } else {
    std::printf("baseline: nc not installed (apt-get install netcat-openbsd)\n");
  }
  if (!scp.empty()) row("baseline: scp -c aes128-gcm@openssh.com", scp);
  row("baseline: one TCP connection, sendfile -> file", copy);
  row("baseline + SHA-256 of the result", copy_hash);
  row("serve mode alone: 1 connection, 1 MiB GETs -> file", serve);
  row("_peer_client --fetch, 1 owner (incl. start, verify)", one);
  row("_peer_client --fetch, 3 owners (incl. start, verify)", three);
  const double t1 = median(one), t3 = median(three);
  if (!nc.empty()) {
    std::printf("fetch vs nc: 1 owner %.2fx, 3 owners %.2fx (rate ratio; > 1 is faster than nc)\n",
                median(nc) / t1, median(nc) / t3);
  }
  const std::string size_text =
      kSize == 1024 * kMiB ? "1 GiB" : std::to_string(kSize / kMiB) + " MiB";
  std::string base = "nc " + (nc.empty() ? std::string("not installed") : fixed(median(nc)) + " s");
  if (!scp.empty()) base += "; scp aes128-gcm " + fixed(median(scp)) + " s";
  const bool faster1 = !scp.empty() && t1 < median(scp);
  const bool faster3 = !scp.empty() && t3 < median(scp);
  table_line("download " + size_text + ", 1 owner (encrypted, verified)", fixed(t1) + " s", base,
             "faster than scp aes128-gcm", faster1);
  table_line("download " + size_text + ", 3 owners (encrypted, verified)", fixed(t3) + " s",
             base + "; 1 owner " + fixed(t1) + " s",
             "faster than scp aes128-gcm, never slower than 1 owner", faster3 && t3 <= t1);
}

// Multi-source: 25 MiB from 1 and from 3 owners, each capped at the same rate, so that the ratio
// shows how evenly the blocks spread (3 is the ideal; the tail pieces and the endgame close most
// of the gap left by 25 blocks split 9/8/8).
TEST_F(FetchBench, DISABLED_BenchmarkMultiSourceRateLimited) {
  constexpr uint64_t kSize = 25 * kMiB;
  constexpr uint64_t kRate = 8 * kMiB;
  constexpr int kRuns = 3;
  const std::string sha =
      bench_owners({"alice", "bob", "carol"}, kSize, {"--max-rate", std::to_string(kRate)});
  std::vector<double> one, three, ratio;
  for (int run = 0; run < kRuns; ++run) {
    one.push_back(timed_fetch({owners_[0].get()}, kSize, sha));
    three.push_back(
        timed_fetch({owners_[0].get(), owners_[1].get(), owners_[2].get()}, kSize, sha));
    ratio.push_back(one.back() / three.back());
  }
  std::printf("25 MiB, each owner capped at 8 MiB/s, median of %d interleaved runs\n", kRuns);
  std::printf("1 owner   %.3f s   3 owners %.3f s   ratio %.2fx (runs:", median(one), median(three),
              median(ratio));
  for (double r : ratio) std::printf(" %.2f", r);
  std::printf(")\n");
  table_line("multi-source 3 owners vs 1 (rate-limited, 25 MiB)", fixed(median(ratio)) + "x",
             "1 owner " + fixed(median(one)) + " s, 3 owners " + fixed(median(three)) + " s",
             ">= 2.9x", median(ratio) >= 2.9);
}

}  // namespace
}  // namespace peerlink::testing
