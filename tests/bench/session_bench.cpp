// Benchmark: chat session set-up time and chat round trip through the real programs (_s, two _c,
// which exec _peer_server/_peer_client), next to the same measurement through two `nc` processes
// joined by TCP and driven by pipes the same way: the topology without any application logic.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/net.h"
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
    port = local_port(l.fd.get());
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

}  // namespace
}  // namespace peerlink::testing

int main() {
  using namespace peerlink::testing;
  const int kRuns = 5;
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
  return 0;
}
