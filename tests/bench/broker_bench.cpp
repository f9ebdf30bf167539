// Benchmark: the real broker under many clients, next to a minimal epoll line server (the
// baseline: replies "OK" to every line and does nothing else) driven by the same load.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/fd.h"
#include "common/net.h"
#include "tests/support/line_client.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The baseline: one thread, one epoll loop, answers each complete line with "OK\n". It runs in
// a child process, like `_s`, so its sockets do not share the load generator's descriptor limit.
class BaselineServer {
 public:
  BaselineServer() {
    auto l = listen_tcp("127.0.0.1", 0, 4096);
    listen_ = std::move(l.fd);
    set_nonblocking(listen_.get());
    port_ = local_port(listen_.get());
    pid_ = ::fork();
    if (pid_ == 0) {
      loop();
      ::_exit(0);
    }
    listen_.reset();  // the child owns the listener now
  }
  ~BaselineServer() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  uint16_t port() const { return port_; }

 private:
  void loop() {
    UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listen_.get();
    ::epoll_ctl(ep.get(), EPOLL_CTL_ADD, listen_.get(), &ev);
    std::vector<epoll_event> events(512);
    char buf[16384];
    for (;;) {
      int n = ::epoll_wait(ep.get(), events.data(), 512, -1);
      for (int i = 0; i < n; ++i) {
        int fd = events[static_cast<size_t>(i)].data.fd;
        if (fd == listen_.get()) {
          int c;
          while ((c = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
                 0) {
            epoll_event cev{};
            cev.events = EPOLLIN;
            cev.data.fd = c;
            ::epoll_ctl(ep.get(), EPOLL_CTL_ADD, c, &cev);
          }
          continue;
        }
        ssize_t got = ::recv(fd, buf, sizeof buf, 0);
        if (got <= 0) {
          ::close(fd);
          continue;
        }
        std::string out;
        for (ssize_t k = 0; k < got; ++k) {
          if (buf[k] == '\n') out += "OK\n";
        }
        if (!out.empty()) ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      }
    }
  }
  UniqueFd listen_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

struct Figures {
  double register_s = 0;  // connect + HELLO + REGISTER for every client
  double requests_per_s = 0;
};

Figures run_load(uint16_t port, int clients, int requests_each) {
  Figures f;
  std::vector<std::unique_ptr<LineClient>> cs;
  auto t0 = Clock::now();
  for (int i = 0; i < clients; ++i) cs.push_back(std::make_unique<LineClient>(port));
  for (int i = 0; i < clients; ++i) {
    cs[static_cast<size_t>(i)]->send("HELLO 1.0\nREGISTER b" + std::to_string(i) + " 40000 " +
                                     kTestKey);
  }
  for (auto& c : cs) {
    c->reply();
    c->reply();
  }
  f.register_s = std::chrono::duration<double>(Clock::now() - t0).count();
  // Settle (untimed): read every JOIN event the registrations caused, so the timed phase below
  // measures requests only, as for the baseline (which sends no events).
  for (auto& c : cs) {
    c->send("PING");
    while (auto line = c->next_line()) {
      if (*line == "OK PONG" || *line == "OK") break;
    }
  }
  std::string burst;
  for (int k = 0; k < requests_each; ++k) burst += "INFO b0\n";
  auto t1 = Clock::now();
  for (auto& c : cs) c->send_raw(burst);
  for (auto& c : cs) {
    for (int k = 0; k < requests_each; ++k) c->reply();
  }
  double secs = std::chrono::duration<double>(Clock::now() - t1).count();
  f.requests_per_s = static_cast<double>(clients) * requests_each / secs;
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace
}  // namespace peerlink::testing

int main(int argc, char** argv) {
  using namespace peerlink::testing;
  peerlink::raise_fd_limit();
  int clients = argc > 1 ? std::atoi(argv[1]) : 2000;
  int requests = argc > 2 ? std::atoi(argv[2]) : 20;
  const int kRuns = 3;
  std::vector<double> reg_b, reg_base, rps_b, rps_base;
  for (int run = 0; run < kRuns; ++run) {
    TempDir dir;
    auto broker = start_broker(dir.path(), {"--quiet"});
    if (broker.port == 0) {
      std::fprintf(stderr, "cannot start _s\n");
      return 1;
    }
    Figures b = run_load(broker.port, clients, requests);
    broker.proc.reset();
    Figures base;
    {
      BaselineServer server;
      base = run_load(server.port(), clients, requests);
    }
    reg_b.push_back(b.register_s);
    reg_base.push_back(base.register_s);
    rps_b.push_back(b.requests_per_s);
    rps_base.push_back(base.requests_per_s);
  }
  std::printf("broker benchmark: %d clients, %d pipelined INFO requests each, median of %d runs\n",
              clients, requests, kRuns);
  std::printf("%-34s %12s %12s %8s\n", "figure", "_s", "baseline", "ratio");
  std::printf("%-34s %12.3f %12.3f %7.2fx\n", "connect+register all clients (s)", median(reg_b),
              median(reg_base), median(reg_b) / median(reg_base));
  std::printf("%-34s %12.0f %12.0f %7.2fx\n", "requests per second", median(rps_b),
              median(rps_base), median(rps_b) / median(rps_base));
  std::printf(
      "(baseline: a one-thread epoll server that answers every line with OK and keeps no "
      "state; the broker also logs each query, tracks users and broadcasts JOIN events)\n");
  return 0;
}
