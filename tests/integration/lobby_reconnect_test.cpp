// Integration test: a lobby whose name was taken while it was away (a broker restart, and someone
// else registered first) keeps trying, says why, and gets its name back when it is free. The
// broker here is a scripted stand-in on a port the OS picked, so the order of events is exact; it
// speaks plaintext, the lobby runs with --plaintext.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/net/net.h"
#include "common/wire/line_codec.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Speaks just enough of the broker protocol (docs/PROTOCOL.md §1) to one lobby connection:
// HELLO, REGISTER (accepted or "ERR 409 name taken"), ANNOUNCE and its FILE lines, PING.
// Returns when the lobby closes, or when `cut` becomes true (then the stand-in closes first).
void serve_connection(int fd, bool name_free, const std::atomic<bool>& cut) {
  LineBuffer in(1 << 16);
  size_t announce_left = 0;
  char buf[4096];
  for (;;) {
    if (cut) return;
    if (wait_readable(fd, 20).status() == Status::kTimeout) continue;
    size_t got = 0;
    if (!recv_some(fd, buf, sizeof buf, &got).ok()) return;
    in.append(buf, got);
    std::string line;
    while (in.next(&line) == LineBuffer::Result::kLine) {
      std::string reply;
      if (announce_left > 0) {
        if (--announce_left == 0) reply = "OK ANNOUNCED 0\n";
      } else if (line.rfind("HELLO ", 0) == 0) {
        reply = "OK HELLO 1.0 stand-in\n";
      } else if (line.rfind("REGISTER ", 0) == 0) {
        reply = name_free ? "OK REGISTERED alice 127.0.0.1\n" : "ERR 409 name taken\n";
      } else if (line.rfind("ANNOUNCE ", 0) == 0) {
        announce_left = std::stoul(line.substr(9));
        if (announce_left == 0) reply = "OK ANNOUNCED 0\n";
      } else if (line == "PING") {
        reply = "OK PONG\n";
      } else if (line == "BYE") {
        reply = "OK BYE\n";
      } else {
        reply = "ERR 400 not in this test\n";
      }
      if (!reply.empty() && !send_all(fd, reply).ok()) return;
    }
  }
}

TEST(LobbyReconnectTest, KeepsTryingWhileItsNameIsTakenAndSaysWhy) {
  TempDir dir;
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(l.ok()) << l.message();
  const uint16_t port = local_port(l->get());
  fs::create_directories(dir.file("share"));
  // Two attempts would be the limit for an unreachable broker; a taken name is not one. The
  // stand-in speaks the plaintext protocol: the lobby runs in teaching mode (--plaintext).
  auto alice = Process::start({bin_path("_c"), "127.0.0.1", std::to_string(port), "--user", "alice",
                               "--share", dir.file("share"), "--downloads", dir.file("dl"),
                               "--reconnect-attempts", "2", "--plaintext"});
  ASSERT_TRUE(alice);

  constexpr int kRefusals = 3;  // more than --reconnect-attempts
  std::atomic<bool> cut{false};
  std::atomic<int> refused{0};
  std::thread broker([&] {
    // First connection: registered, then cut (the broker "restarts").
    for (int n = 0; n < 2 + kRefusals; ++n) {
      pollfd p{l->get(), POLLIN, 0};
      if (::poll(&p, 1, 20000) != 1) return;
      UniqueFd c(::accept4(l->get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c) return;
      const bool free = n == 0 || n == 1 + kRefusals;
      // The refused connections end when the lobby closes them; the first is cut by the test,
      // the last held until the test is done with it.
      static const std::atomic<bool> never{false};
      serve_connection(c.get(), free, free ? cut : never);
      if (!free) ++refused;
    }
  });
  struct Join {
    std::thread* t;
    std::atomic<bool>* cut;
    ~Join() {
      *cut = true;
      if (t->joinable()) t->join();
    }
  } join{&broker, &cut};

  ASSERT_TRUE(alice->wait_line("registered as alice on")) << alice->output();
  ASSERT_TRUE(alice->wait_line("sharing ")) << alice->output();
  cut = true;  // the stand-in closes the first connection
  ASSERT_TRUE(alice->wait_line("lost the connection to the broker")) << alice->output();
  cut = false;
  auto why = alice->wait_line("is taken");
  ASSERT_TRUE(why) << alice->output();
  EXPECT_EQ(*why,
            "the broker is back, but the name alice is taken (someone registered it while we "
            "were away) — trying again every few seconds until it is free");
  ASSERT_TRUE(alice->wait_line("registered as alice on", milliseconds(20000))) << alice->output();
  EXPECT_EQ(refused.load(), kRefusals);
  EXPECT_FALSE(alice->exited()) << alice->output();
  // Said once, not once per answer.
  const std::string out = alice->output();
  size_t count = 0;
  for (size_t at = out.find("is taken"); at != std::string::npos; at = out.find("is taken", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << out;
  EXPECT_EQ(out.find("giving up"), std::string::npos) << out;
}

}  // namespace
}  // namespace peerlink::testing
