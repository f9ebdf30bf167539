// Benchmark: chat session set-up time and chat round trip through the real programs (_s, two _c,
// which exec _peer_server/_peer_client), next to the same measurement through two `nc` processes
// joined by TCP and driven by pipes the same way: the topology without any application logic.
// Then chat round trips while a large file (default 1 GiB of random bytes, --file-size) moves
// over the same session, next to the idle round trip of that session, and the transfer's
// throughput next to the same bytes through two `nc`; the received file must be byte-identical
// and every chat line must arrive whole, or the bench fails.
//
// Issue 11 rows (medians of kFileRuns interleaved runs, each next to nc, and scp when
// tests/support/baselines.h is there and ssh is installed, measured in the same run, 1 GiB of
// random bytes on tmpfs on both sides): `/send` typed -> "received ... sha256 verified" at the
// receiver, which answers y as soon as the offer shows, for a file outside the shared folder (the
// sender hashes it while sending) and for one in it whose digest the share cache holds; and the
// part of that after y. Then the chat round trip during a 1 GiB transfer to disk (/var/tmp, not
// tmpfs), its maximum next to the idle round trip of the same session. Each ends in a TABLE| line
// for `make bench`'s summary.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/net/net.h"
#include "tests/support/baselines.h"
#include "tests/support/peer_programs.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRounds = 200;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

// Round trip: a line written to A's stdin appears on B's stdout, then B's answer on A's.
double round_trip_ms(Process& a, Process& b, const std::string& b_prefix,
                     const std::string& a_prefix) {
  auto t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    a.write_line("ping " + std::to_string(i));
    if (!b.wait_line(b_prefix + "ping " + std::to_string(i))) return -1;
    b.write_line("pong " + std::to_string(i));
    if (!a.wait_line(a_prefix + "pong " + std::to_string(i))) return -1;
  }
  return ms_since(t0) / kRounds;
}

struct Figures {
  double setup_ms = -1;
  double rtt_ms = -1;
};

Figures peerlink_run(const TempDir& dir, uint16_t port, int run) {
  Figures f;
  auto start_client = [&](const std::string& name) {
    std::string share = dir.file(name + "-share"), dl = dir.file(name + "-dl");
    ::mkdir(share.c_str(), 0755);
    ::mkdir(dl.c_str(), 0755);
    return Process::start({bin_path("_c"), "127.0.0.1", std::to_string(port), "--user", name,
                           "--share", share, "--downloads", dl});
  };
  std::string a_name = "a" + std::to_string(run), b_name = "b" + std::to_string(run);
  auto a = start_client(a_name);
  auto b = start_client(b_name);
  if (!a->wait_line("registered as") || !b->wait_line("registered as")) return f;
  auto t0 = Clock::now();
  a->write_line("chat " + b_name);
  if (!b->wait_line("wants to chat")) return f;
  b->write_line("y");
  if (!a->wait_line("connected to") || !b->wait_line("connected to")) return f;
  f.setup_ms = ms_since(t0);
  f.rtt_ms = round_trip_ms(*a, *b, a_name + ": ", b_name + ": ");
  a->write_line("/quit");
  a->wait_line("registered as");
  b->wait_line("registered as");
  return f;
}

Figures nc_run() {
  Figures f;
  uint16_t port = 0;
  {  // a free port for nc -l (it cannot report one itself); the race is harmless here
    auto l = listen_tcp("127.0.0.1", 0);
    port = local_port(l->get());
  }
  auto t0 = Clock::now();
  // -v makes the listener say when it is ready ("Listening on ..."); then the client connects.
  auto server = Process::start({"/usr/bin/nc", "-v", "-l", "127.0.0.1", std::to_string(port)});
  if (!server->wait_line("Listening")) return f;
  auto client = Process::start({"/usr/bin/nc", "127.0.0.1", std::to_string(port)});
  client->write_line("hello");
  if (!server->wait_line("hello")) return f;
  f.setup_ms = ms_since(t0);
  f.rtt_ms = round_trip_ms(*client, *server, "", "");
  return f;
}

// ---- Chat during a large transfer ------------------------------------------------------------

const std::string kToken = "0d1c2b3a49586776859a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e";
// Long enough that a chat line mixed with file bytes or another line cannot pass unnoticed.
const std::string kFiller = "the quick brown fox jumps over the lazy dog 0123456789";
constexpr int kIdleRounds = 100;
constexpr milliseconds kLineWait{60000};  // one chat line, even with a file in the way

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// "1073741824", "64K", "20M", "1G" (1024-based); nullopt if malformed.
std::optional<uint64_t> parse_size(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
  const std::string unit = end;
  uint64_t scale = 1;
  if (unit == "K" || unit == "k")
    scale = 1ull << 10;
  else if (unit == "M" || unit == "m")
    scale = 1ull << 20;
  else if (unit == "G" || unit == "g")
    scale = 1ull << 30;
  else if (!unit.empty())
    return std::nullopt;
  return static_cast<uint64_t>(n) * scale;
}

// Writes `size` pseudo-random bytes to `path`, 1 MiB at a time (never the whole file in memory).
bool make_random_file(const std::string& path, uint64_t size, uint64_t seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::mt19937_64 rng(seed);
  std::vector<char> chunk(1u << 20);
  for (uint64_t left = size; left > 0 && out;) {
    for (size_t i = 0; i < chunk.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(&chunk[i], &v, 8);
    }
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
    out.write(chunk.data(), static_cast<std::streamsize>(n));
    left -= n;
  }
  out.flush();
  return static_cast<bool>(out);
}

// True if both files hold the same bytes; otherwise false and *why says where they differ.
bool same_bytes(const std::string& a_path, const std::string& b_path, std::string* why) {
  std::ifstream a(a_path, std::ios::binary), b(b_path, std::ios::binary);
  if (!a || !b) {
    *why = "cannot open " + (a ? b_path : a_path);
    return false;
  }
  std::vector<char> ab(1u << 20), bb(1u << 20);
  for (uint64_t offset = 0;;) {
    a.read(ab.data(), static_cast<std::streamsize>(ab.size()));
    b.read(bb.data(), static_cast<std::streamsize>(bb.size()));
    const auto an = a.gcount(), bn = b.gcount();
    const size_t common = static_cast<size_t>(std::min(an, bn));
    if (std::memcmp(ab.data(), bb.data(), common) != 0) {
      size_t i = 0;
      while (ab[i] == bb[i]) ++i;
      *why = "first difference at byte " + std::to_string(offset + i);
      return false;
    }
    if (an != bn) {
      *why = "sizes differ (one ends at byte " + std::to_string(offset + common) + ")";
      return false;
    }
    if (an == 0) return true;
    offset += common;
  }
}

// The lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = text.substr(start, nl - start);
    if (line.find(needle) != std::string::npos) found.push_back(std::move(line));
  }
  return found;
}

// Bob runs _peer_server (the accepting side), alice _peer_client, both with --no-lobby, as the
// session integration tests start them: the session alone, without broker or lobby.
struct PeerPair {
  std::unique_ptr<Process> alice, bob;
  std::string share, alice_dl, bob_dl;
};

// Dir: TempDir or ScratchDir (a folder with file(name)).
template <class Dir>
bool start_pair(const Dir& dir, PeerPair* p, std::string* why) {
  p->share = dir.file("session-share");
  p->alice_dl = dir.file("alice-downloads");
  p->bob_dl = dir.file("bob-downloads");
  for (const auto& d : {p->share, p->alice_dl, p->bob_dl}) std::filesystem::create_directories(d);
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  if (!l.ok() || !set_cloexec(l->get(), false)) {
    *why = "cannot listen: " + l.message();
    return false;
  }
  const uint16_t port = local_port(l->get());
  Process::Options options;
  options.secret = session_secret(kToken, "bob");
  PeerArgs bob = session_args("bob", "alice", p->share, p->bob_dl);
  bob.listen_fd = l->get();
  p->bob = Process::start(in_build(bob.to_argv(PeerProgram::kServer)), options);
  l->reset();  // only bob holds the listening socket now
  if (!p->bob || !p->bob->wait_line("waiting for alice")) {
    *why = "_peer_server did not start: " + (p->bob ? p->bob->output() : "");
    return false;
  }
  PeerArgs alice = session_args("alice", "bob", p->share, p->alice_dl);
  alice.host = "127.0.0.1";
  alice.port = port;
  options.secret = session_secret(kToken, "alice");
  p->alice = Process::start(in_build(alice.to_argv(PeerProgram::kClient)), options);
  if (!p->alice || !p->alice->wait_line("connected to bob") ||
      !p->bob->wait_line("connected to alice")) {
    *why = "session did not start: " + (p->alice ? p->alice->output() : "");
    return false;
  }
  return true;
}

// One chat round trip: alice says "ping N ...", bob sees exactly that line and answers
// "pong N ...", alice sees exactly that. Milliseconds, or -1 (with *why) if a line is missing
// or not exactly what was typed; *ping_ms (if given) gets the first leg, alice -> bob.
double chat_round_trip(PeerPair& p, int n, std::string* why, double* ping_ms = nullptr) {
  const std::string ping = "ping " + std::to_string(n) + " " + kFiller;
  const std::string pong = "pong " + std::to_string(n) + " " + kFiller;
  const auto t0 = Clock::now();
  p.alice->write_line(ping);
  auto got = p.bob->wait_line("ping ", kLineWait);
  if (!got || *got != "alice: " + ping) {
    *why = "bob: expected \"alice: " + ping + "\", got " + (got ? "\"" + *got + "\"" : "nothing");
    return -1;
  }
  if (ping_ms != nullptr) *ping_ms = ms_since(t0);
  p.bob->write_line(pong);
  got = p.alice->wait_line("pong ", kLineWait);
  if (!got || *got != "bob: " + pong) {
    *why = "alice: expected \"bob: " + pong + "\", got " + (got ? "\"" + *got + "\"" : "nothing");
    return -1;
  }
  return ms_since(t0);
}

// Every chat line either side printed, in order, against what was typed: none lost, doubled,
// reordered or changed (chat_round_trip saw each one go by; this also catches extra ones).
bool chat_lines_intact(PeerPair& p, int rounds, std::string* why) {
  const std::vector<std::string> at_bob = lines_with(p.bob->output(), "ping ");
  const std::vector<std::string> at_alice = lines_with(p.alice->output(), "pong ");
  if (at_bob.size() != static_cast<size_t>(rounds) ||
      at_alice.size() != static_cast<size_t>(rounds)) {
    *why = "expected " + std::to_string(rounds) + " chat lines each way, bob printed " +
           std::to_string(at_bob.size()) + " pings, alice " + std::to_string(at_alice.size()) +
           " pongs";
    return false;
  }
  for (int i = 0; i < rounds; ++i) {
    const std::string n = std::to_string(i) + " " + kFiller;
    const size_t k = static_cast<size_t>(i);
    if (at_bob[k] != "alice: ping " + n || at_alice[k] != "bob: pong " + n) {
      *why = "chat line " + std::to_string(i) + " differs: \"" + at_bob[k] + "\" / \"" +
             at_alice[k] + "\"";
      return false;
    }
  }
  return true;
}

struct TransferFigures {
  std::vector<double> idle_ms, busy_ms;            // chat round trips before / during the transfer
  std::vector<double> idle_ping_ms, busy_ping_ms;  // their first leg, alice -> bob
  std::vector<double> busy_at_s;                   // when each busy one started, after y
  double offer_s = -1;     // /send typed -> offer shown (alice hashes the file)
  double transfer_s = -1;  // y typed -> "received ... sha256 verified" at bob
  bool identical = false;
};

// A session; idle chat round trips; alice sends `size` random bytes to bob and chats with him
// every `interval` until bob has the file; then the file is compared byte for byte.
// Dir: TempDir or ScratchDir (a folder with file(name)).
template <class Dir>
bool transfer_run(const Dir& dir, uint64_t size, milliseconds interval, TransferFigures* f,
                  std::string* why) {
  PeerPair p;
  if (!start_pair(dir, &p, why)) return false;
  const std::string name = "random.bin";
  const std::string source = dir.file(name);
  if (!make_random_file(source, size, 0x5eed)) {
    *why = "cannot write " + source;
    return false;
  }
  const milliseconds file_wait{60000 + static_cast<int64_t>(size >> 20) * 200};  // 5 MiB/s

  int round = 0;
  for (auto tick = Clock::now(); round < kIdleRounds; ++round) {
    double ping_ms = 0;
    const double ms = chat_round_trip(p, round, why, &ping_ms);
    if (ms < 0) return false;
    f->idle_ms.push_back(ms);
    f->idle_ping_ms.push_back(ping_ms);
    tick += interval;
    std::this_thread::sleep_until(tick);  // pacing, as during the transfer; not synchronisation
  }

  auto t0 = Clock::now();
  p.alice->write_line("/send " + source);
  const std::string offer = "alice offers " + name + " (" + std::to_string(size) + " bytes";
  if (!p.bob->wait_line(offer, file_wait)) {
    *why = "no offer at bob: " + p.bob->output();
    return false;
  }
  f->offer_s = seconds_since(t0);
  t0 = Clock::now();
  p.bob->write_line("y");
  if (!p.alice->wait_line(name + ": bob accepted, sending", kLineWait)) {
    *why = "no accept at alice: " + p.alice->output();
    return false;
  }
  // Chat until bob says the file is in; the wait between round trips ends early when it is.
  const std::string received = "received " + name + " -> ";
  for (auto tick = Clock::now();; ++round) {
    tick += interval;
    if (p.bob->saw(received, std::chrono::duration_cast<milliseconds>(tick - Clock::now()))) break;
    if (Clock::now() - t0 > file_wait) {
      *why = "transfer not finished after " + std::to_string(file_wait.count()) + " ms";
      return false;
    }
    f->busy_at_s.push_back(seconds_since(t0));
    double ping_ms = 0;
    const double ms = chat_round_trip(p, round, why, &ping_ms);
    if (ms < 0) return false;
    f->busy_ms.push_back(ms);
    f->busy_ping_ms.push_back(ping_ms);
    if (Clock::now() > tick) tick = Clock::now();  // a slow round trip: the next starts at once
  }
  f->transfer_s = seconds_since(t0);

  const std::string bob_out = p.bob->output();
  const std::vector<std::string> done = lines_with(bob_out, received);
  const std::string dest = p.bob_dl + "/" + name;
  const std::string expected =
      received + dest + " (" + std::to_string(size) + " bytes, sha256 verified)";
  if (done.size() != 1 || done[0] != expected) {
    *why = "bob: expected \"" + expected + "\":\n" + bob_out;
    return false;
  }
  if (!p.alice->saw("sent " + name + " (" + std::to_string(size) + " bytes)", kLineWait)) {
    *why = "alice never said sent: " + p.alice->output();
    return false;
  }
  // One more round trip after the transfer, then the session ends cleanly on both sides.
  if (chat_round_trip(p, round++, why) < 0) return false;
  p.alice->write_line("/quit");
  const auto a_exit = p.alice->wait_exit(kLineWait), b_exit = p.bob->wait_exit(kLineWait);
  if (!a_exit || *a_exit != 0 || !b_exit || *b_exit != 0) {
    *why = "session did not end cleanly:\n" + p.alice->output() + "\n" + p.bob->output();
    return false;
  }
  if (!chat_lines_intact(p, round, why)) return false;
  f->identical = same_bytes(source, dest, why);
  std::filesystem::remove(dest);
  if (!f->identical) *why = "received file differs from the sent one: " + *why;
  return f->identical;
}

void print_transfer(const TransferFigures& f, uint64_t size, milliseconds interval, double nc_s,
                    bool trace) {
  if (trace) {
    std::printf("\nround trips during the transfer (s after y: round trip ms, alice -> bob ms)\n");
    for (size_t i = 0; i < f.busy_ms.size(); ++i)
      std::printf("  %7.3f s: %9.3f %9.3f\n", f.busy_at_s[i], f.busy_ms[i], f.busy_ping_ms[i]);
  }
  std::printf(
      "\nchat during a file transfer: %llu bytes (%.0f MiB) of random data alice -> bob, "
      "chat round trip alice -> bob -> alice every %lld ms\n",
      static_cast<unsigned long long>(size), static_cast<double>(size) / (1 << 20),
      static_cast<long long>(interval.count()));
  std::printf("%-44s %10s %10s %8s\n", "figure (ms)", "during", "idle", "ratio");
  auto row = [&](const char* what, const std::vector<double>& during,
                 const std::vector<double>& idle, double p) {
    const double d = percentile(during, p), i = percentile(idle, p);
    std::printf("%-44s %10.3f %10.3f %7.2fx\n", what, d, i, d / i);
  };
  if (f.busy_ms.empty()) {
    std::printf("(the transfer ended before the first round trip: try a larger --file-size)\n");
  } else {
    row("chat round trip, median", f.busy_ms, f.idle_ms, 0.5);
    if (f.busy_ms.size() >= 100) row("chat round trip, p99", f.busy_ms, f.idle_ms, 0.99);
    row("chat round trip, max", f.busy_ms, f.idle_ms, 1.0);
    row("  of which alice -> bob, median", f.busy_ping_ms, f.idle_ping_ms, 0.5);
    row("  of which alice -> bob, max", f.busy_ping_ms, f.idle_ping_ms, 1.0);
  }
  std::printf(
      "(%zu round trips during the transfer, %zu idle just before it in the same session; "
      "alice -> bob is the leg that queues behind the file data)\n",
      f.busy_ms.size(), f.idle_ms.size());
  const double mb = static_cast<double>(size) / 1e6;
  std::printf("%-44s %10s %10s %8s\n", "figure (MB/s)", "peerlink", "nc", "ratio");
  if (nc_s > 0) {
    std::printf("%-44s %10.1f %10.1f %7.2fx\n", "file transfer throughput", mb / f.transfer_s,
                mb / nc_s, nc_s / f.transfer_s);
  } else {
    std::printf("%-44s %10.1f %10s\n", "file transfer throughput", mb / f.transfer_s, "(n/a)");
  }
  std::printf(
      "(peerlink: y typed -> \"received ... sha256 verified\" at bob, %.2f s, including bob's "
      "hashing and fsync; before that /send -> offer took %.2f s (alice hashes while sending). nc: "
      "the "
      "same bytes through two nc into a file, no hashing, no fsync)\n",
      f.transfer_s, f.offer_s);
  std::printf("received file byte-identical to the sent one: %s; every chat line arrived intact\n",
              f.identical ? "yes" : "NO");
}

// ---- /send 1 GiB -> verified file ------------------------------------------------------------

constexpr int kFileRuns = 3;

// A folder of its own under `base` (tmpfs or disk), removed with everything in it at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& base) {
    std::string tmpl = base + "/peerlink-session-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct SendFigures {
  double send_s = -1;     // /send typed -> "received ... sha256 verified"
  double after_y_s = -1;  // y typed -> the same line
};

// A session (start_pair's folders under `dir`); alice sends `source`; bob answers y the moment
// the offer shows, and the file must arrive byte-identical. `digest_shown`: the prompt must show
// a digest (a shared-folder file with a cached hash) instead of "sha256 follows with the data".
bool send_run(const ScratchDir& dir, const std::string& source, uint64_t size, bool digest_shown,
              SendFigures* f, std::string* why) {
  PeerPair p;
  if (!start_pair(dir, &p, why)) return false;
  const std::string name = std::filesystem::path(source).filename();
  const milliseconds file_wait{60000 + static_cast<int64_t>(size >> 20) * 200};
  const auto t0 = Clock::now();
  p.alice->write_line("/send " + source);
  auto offer = p.bob->wait_line("alice offers " + name, file_wait);
  if (!offer) {
    *why = "no offer at bob: " + p.bob->output();
    return false;
  }
  const bool follows = offer->find("sha256 follows with the data") != std::string::npos;
  if (follows == digest_shown) {
    *why = "unexpected offer line: " + *offer;
    return false;
  }
  const auto ty = Clock::now();
  p.bob->write_line("y");
  const std::string dest = p.bob_dl + "/" + name;
  const std::string expected =
      "received " + name + " -> " + dest + " (" + std::to_string(size) + " bytes, sha256 verified)";
  auto received = p.bob->wait_line("received " + name, file_wait);
  f->send_s = seconds_since(t0);
  f->after_y_s = seconds_since(ty);
  if (!received || *received != expected) {
    *why = "bob: expected \"" + expected + "\":\n" + p.bob->output();
    return false;
  }
  p.alice->write_line("/quit");
  p.alice->wait_exit(kLineWait);
  p.bob->wait_exit(kLineWait);
  const bool same = same_bytes(source, dest, why);
  std::filesystem::remove(dest);
  if (!same) *why = "received file differs from the sent one: " + *why;
  return same;
}

// The lobby's hash cache (docs/SHARING.md) in `share` with one entry: `name`, as it is now.
bool write_share_cache(const std::string& share, const std::string& name) {
  const std::string path = share + "/" + name;
  struct stat st;
  const Expected<std::string> hex = sha256_file(path);
  if (::stat(path.c_str(), &st) != 0 || !hex) return false;
  const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  std::ofstream out(share + "/.peerlink-hashes", std::ios::trunc);
  out << "peerlink-hashes 1\n" << *hex << " " << st.st_size << " " << mtime << " " << name << "\n";
  return static_cast<bool>(out.flush());
}

struct Baselines {
  std::vector<double> nc_s, scp_s;
};

// One nc (and scp) copy of `source` into `dir`, appended to *b.
void measure_baselines(const ScratchDir& dir, const std::string& source, Baselines* b) {
  const std::string dest = dir.file("baseline-copy.bin");
  if (const auto nc = nc_copy_seconds(source, dest)) b->nc_s.push_back(*nc);
  std::filesystem::remove(dest);
  if (const auto scp = scp_copy_seconds(source, dest, kScpAesGcm)) b->scp_s.push_back(*scp);
  std::filesystem::remove(dest);
}

std::string seconds_text(const std::vector<double>& v) {
  if (v.empty()) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", median(v));
  return buf;
}

std::string baseline_text(const Baselines& b) {
  std::string out = "nc " + seconds_text(b.nc_s);
  out += b.scp_s.empty() ? "; scp aes128-gcm not measured"
                         : "; scp aes128-gcm " + seconds_text(b.scp_s);
  return out;
}

std::string faster_than_scp(const std::vector<double>& ours, const Baselines& b) {
  if (b.scp_s.empty() || ours.empty()) return "n/a (no scp in this run)";
  return median(ours) < median(b.scp_s) ? "yes" : "no";
}

// The /send rows: kFileRuns rounds of nc/scp, a file outside the share, a shared one.
bool file_rows(uint64_t size) {
  const std::string base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  ScratchDir dir(base);
  if (!dir.ok()) {
    std::fprintf(stderr, "cannot make a folder in %s\n", base.c_str());
    return false;
  }
  const std::string outside = dir.file("outside.bin");
  const std::string share = dir.file("session-share");
  std::filesystem::create_directories(share);
  const std::string shared = share + "/shared.bin";
  std::error_code ec;
  if (!make_random_file(outside, size, 0x5eed) ||
      (std::filesystem::create_hard_link(outside, shared, ec), ec) ||
      !write_share_cache(share, "shared.bin")) {
    std::fprintf(stderr, "cannot write the test files in %s\n", base.c_str());
    return false;
  }
  Baselines b;
  std::vector<double> send_s, after_y_s, shared_s, shared_after_y_s;
  for (int run = 0; run < kFileRuns; ++run) {
    measure_baselines(dir, outside, &b);
    std::string why;
    SendFigures f, g;
    if (!send_run(dir, outside, size, false, &f, &why) ||
        !send_run(dir, shared, size, true, &g, &why)) {
      std::fprintf(stderr, "/send run %d failed: %s\n", run, why.c_str());
      return false;
    }
    send_s.push_back(f.send_s);
    after_y_s.push_back(f.after_y_s);
    shared_s.push_back(g.send_s);
    shared_after_y_s.push_back(g.after_y_s);
  }
  std::printf(
      "\n/send of %llu bytes (%.0f MiB) of random data, tmpfs (%s) both sides, median of %d "
      "interleaved runs\n",
      static_cast<unsigned long long>(size), static_cast<double>(size) / (1 << 20), base.c_str(),
      kFileRuns);
  std::printf("%-58s %10s\n", "figure", "seconds");
  auto row = [](const char* what, const std::vector<double>& v) {
    std::printf("%-58s %10.3f\n", what, median(v));
  };
  row("/send -> verified file (not in the share: sender hashes)", send_s);
  row("  of which after y", after_y_s);
  row("/send -> verified file (shared file, cached hash)", shared_s);
  row("  of which after y", shared_after_y_s);
  if (!b.nc_s.empty()) row("nc (no encryption, no hashing)", b.nc_s);
  if (!b.scp_s.empty()) row("scp -c aes128-gcm@openssh.com", b.scp_s);
  std::printf(
      "TABLE|/send 1 GiB -> verified file (session; file outside the share, sender "
      "hashes)|%s|%s|faster than scp aes128-gcm|%s\n",
      seconds_text(send_s).c_str(), baseline_text(b).c_str(), faster_than_scp(send_s, b).c_str());
  std::printf(
      "TABLE|/send 1 GiB -> verified file (session; shared file, cached hash)|%s|%s|faster than "
      "scp aes128-gcm|%s\n",
      seconds_text(shared_s).c_str(), baseline_text(b).c_str(),
      faster_than_scp(shared_s, b).c_str());
  std::printf(
      "TABLE|session transfer after y (encrypted, verified)|%s|nc %s|— (counted in the row "
      "above)|—\n",
      seconds_text(after_y_s).c_str(), seconds_text(b.nc_s).c_str());
  std::fflush(stdout);
  return true;
}

}  // namespace
}  // namespace peerlink::testing

int main(int argc, char** argv) {
  using namespace peerlink::testing;
  const int kRuns = 5;
  uint64_t file_size = 1ull << 30;
  milliseconds interval{10};
  bool trace = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--file-size" && has_value && parse_size(argv[i + 1])) {
      file_size = *parse_size(argv[++i]);
    } else if (arg == "--trace") {
      trace = true;
    } else if (arg == "--interval-ms" && has_value && std::atoi(argv[i + 1]) > 0) {
      interval = milliseconds(std::atoi(argv[++i]));
    } else {
      std::fprintf(arg == "--help" ? stdout : stderr,
                   "usage: session_bench [--file-size SIZE] [--interval-ms N] [--trace]\n"
                   "  --file-size SIZE   file sent during the chat-under-load figure: bytes, or "
                   "with K, M, G (1024-based); 0 skips it (default 1G)\n"
                   "  --interval-ms N    one chat round trip every N ms during that transfer "
                   "(default 10)\n"
                   "  --trace            also prints every round trip of that transfer\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  TempDir dir;
  auto broker = start_broker(dir.path(), {"--quiet"});
  if (broker.port == 0) {
    std::fprintf(stderr, "cannot start _s\n");
    return 1;
  }
  bool have_nc = ::access("/usr/bin/nc", X_OK) == 0;
  std::vector<double> setup, rtt, nc_setup, nc_rtt;
  for (int run = 0; run < kRuns; ++run) {
    Figures p = peerlink_run(dir, broker.port, run);
    if (p.setup_ms < 0 || p.rtt_ms < 0) {
      std::fprintf(stderr, "session run %d failed\n", run);
      return 1;
    }
    setup.push_back(p.setup_ms);
    rtt.push_back(p.rtt_ms);
    if (have_nc) {
      Figures n = nc_run();
      nc_setup.push_back(n.setup_ms);
      nc_rtt.push_back(n.rtt_ms);
    }
  }
  std::printf("session benchmark: median of %d runs, round trip averaged over %d lines each way\n",
              kRuns, kRounds);
  std::printf("%-44s %10s %10s %8s\n", "figure (ms)", "peerlink", "nc", "ratio");
  auto row = [&](const char* what, const std::vector<double>& ours, const std::vector<double>& nc) {
    if (have_nc) {
      std::printf("%-44s %10.3f %10.3f %7.2fx\n", what, median(ours), median(nc),
                  median(ours) / median(nc));
    } else {
      std::printf("%-44s %10.3f %10s\n", what, median(ours), "(no nc)");
    }
  };
  row("session set-up: chat USER -> connected (both)", setup, nc_setup);
  row("chat round trip A -> B -> A", rtt, nc_rtt);
  std::printf(
      "(peerlink set-up includes the broker relay, the y answer, both execs and the token "
      "check; nc's is two process starts, a TCP connect and one line)\n");
  std::fflush(stdout);
  if (file_size == 0) return 0;

  if (!file_rows(file_size)) return 1;

  // Chat during a transfer to disk: the receiver's fsync and writeback are part of it.
  ScratchDir disk(::access("/var/tmp", W_OK) == 0 ? "/var/tmp" : PEERLINK_BIN_DIR);
  if (!disk.ok()) {
    std::fprintf(stderr, "cannot make a folder on disk\n");
    return 1;
  }
  std::vector<double> max_ms, idle_ms;
  for (int run = 0; run < kFileRuns; ++run) {
    TransferFigures f;
    std::string why;
    if (!transfer_run(disk, file_size, interval, &f, &why)) {
      std::fprintf(stderr, "chat during a transfer failed: %s\n", why.c_str());
      return 1;
    }
    const double nc_s =
        nc_copy_seconds(disk.file("random.bin"), disk.file("nc-received.bin")).value_or(-1);
    std::filesystem::remove(disk.file("nc-received.bin"));
    std::filesystem::remove(disk.file("random.bin"));
    print_transfer(f, file_size, interval, nc_s, trace && run == 0);
    if (!f.busy_ms.empty()) max_ms.push_back(percentile(f.busy_ms, 1.0));
    idle_ms.push_back(percentile(f.idle_ms, 0.5));
  }
  const double worst = median(max_ms), idle = median(idle_ms);
  std::printf(
      "\nchat round trip during a 1 GiB transfer to disk, median over %d runs of each run's "
      "maximum: %.3f ms (idle: %.3f ms)\n",
      kFileRuns, worst, idle);
  std::printf(
      "TABLE|chat round trip during a 1 GiB transfer to disk|max %.1f ms|idle %.2f ms|max < 30 "
      "ms|%s\n",
      worst, idle, !max_ms.empty() && worst < 30 ? "yes" : "no");
  return 0;
}
