// Fuzz target: the broker's command parser and connection state machine, driven for real: a
// Broker (its epoll loop turned by hand) with two clients on socketpairs. The input is a script
// of byte chunks separated by 0xff, sent alternately by client 0 and client 1; if the first byte
// is odd, both clients say HELLO and REGISTER first, so random inputs reach the registered
// state. Small limits (output, listings, scan budget, offers) so their edges are reached.
//
// Invariants, on everything each client receives: only complete lines, each at most
// kMaxLineBytes and free of control bytes; each is OK/ERR/EVENT, or one of the n lines a
// "OK USERS|FILES|WHOHAS n" announced (USER/FILE/OWNER, never more than the reply limit); ERR
// codes are the documented ones; HELLO and REGISTER succeed at most once per connection.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/fd.h"
#include "common/wire/wire.h"
#include "server/broker.h"
#include "server/options.h"

using namespace peerlink;
using namespace peerlink::broker;

namespace {

constexpr size_t kReplyLines = 8;

struct Client {
  UniqueFd fd;
  std::string in;  // everything received
  bool eof = false;
  bool started = false;  // sent its first byte
};

void drain(Client* c) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(c->fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      c->in.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) c->eof = true;
    return;
  }
}

void check(const Client& c) {
  static const std::set<std::string_view> kCodes = {"400", "401", "403", "404", "408",
                                                    "409", "413", "426", "429"};
  std::string_view all = c.in;
  size_t expect = 0;
  std::string_view expect_word;
  int hellos = 0, registers = 0;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    if (nl == std::string_view::npos) {
      if (!c.eof) std::abort();  // a partial line although the broker is done writing
      break;
    }
    std::string_view line = all.substr(0, nl);
    all.remove_prefix(nl + 1);
    if (line.size() + 1 > wire::kMaxLineBytes) std::abort();
    for (char ch : line) {
      auto b = static_cast<unsigned char>(ch);
      if (b < 0x20 || b == 0x7f) std::abort();
    }
    if (expect > 0) {
      if (line.substr(0, expect_word.size()) != expect_word) std::abort();
      --expect;
      continue;
    }
    if (line.rfind("ERR ", 0) == 0) {
      if (line.size() < 8 || kCodes.count(line.substr(4, 3)) == 0 || line[7] != ' ') std::abort();
      continue;
    }
    if (line.rfind("EVENT ", 0) == 0) continue;
    if (line.rfind("OK ", 0) != 0) std::abort();
    if (line.rfind("OK HELLO ", 0) == 0) ++hellos;
    if (line.rfind("OK REGISTERED ", 0) == 0) ++registers;
    for (auto [head, word] : {std::pair<std::string_view, std::string_view>{"OK USERS ", "USER "},
                              {"OK FILES ", "FILE "},
                              {"OK WHOHAS ", "OWNER "}}) {
      if (line.rfind(head, 0) != 0) continue;
      std::string n(line.substr(head.size()));
      if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string::npos) {
        std::abort();
      }
      expect = std::stoul(n);
      expect_word = word;
      if (word != "USER " && expect > kReplyLines) std::abort();
    }
  }
  if (expect > 0 && !c.eof) std::abort();  // a listing cut short
  if (hellos > 1 || registers > 1) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;  // keep each input fast
  BrokerOptions o;
  o.port = 0;
  o.bind = "127.0.0.1";
  o.log_path = "/dev/null";
  o.quiet = true;
  o.plaintext = true;  // this target drives the line protocol; broker_noise_fuzz the Noise path
  o.max_output_bytes = 1 << 16;
  o.max_event_backlog = 1024;
  o.max_total_output = 1 << 17;
  o.max_files_per_user = 16;
  o.max_reply_lines = kReplyLines;
  o.scan_budget_per_turn = 64;  // listings span turns
  o.max_offers_per_user = 2;
  o.max_offers = 3;
  o.max_chats = 1;
  Broker broker(o);
  if (!broker.start()) std::abort();

  Client clients[2];
  for (int i = 0; i < 2; ++i) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) return 0;
    clients[i].fd.reset(sv[0]);
    if (!broker.adopt(UniqueFd(sv[1]), "127.0.0.1", static_cast<uint16_t>(40000 + i))) std::abort();
  }
  std::vector<std::string> chunks(1);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!in.empty() && (static_cast<unsigned char>(in[0]) & 1) != 0) {
    const std::string key(64, 'a');
    chunks[0] = "HELLO 1.0\nREGISTER alice 40000 " + key + "\n";
    chunks.push_back("HELLO 1.0\nREGISTER Bob 40001 " + key + "\n");
    chunks.emplace_back();
  }
  if (!in.empty()) in.remove_prefix(1);
  for (char ch : in) {
    if (static_cast<unsigned char>(ch) == 0xff) {
      chunks.emplace_back();
    } else {
      chunks.back().push_back(ch);
    }
  }
  auto settle = [&] {
    for (int t = 0; t < 10000; ++t) {
      broker.turn(0);
      drain(&clients[0]);
      drain(&clients[1]);
      if (!broker.busy() && t > 2) break;
    }
  };
  for (size_t k = 0; k < chunks.size(); ++k) {
    Client& c = clients[k % 2];
    // A first byte 0x00 would start a Noise handshake (broker_noise_fuzz covers that path): here
    // both clients speak the line protocol.
    if (!c.started && !chunks[k].empty() && chunks[k][0] == '\0') chunks[k][0] = ' ';
    if (!chunks[k].empty()) c.started = true;
    std::string_view rest = chunks[k];
    for (int tries = 0; !rest.empty() && tries < 1000; ++tries) {
      ssize_t n = ::send(c.fd.get(), rest.data(), rest.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) rest.remove_prefix(static_cast<size_t>(n));
      if (n < 0 && errno != EAGAIN && errno != EINTR) break;  // closed by the broker
      broker.turn(0);
      drain(&clients[0]);
      drain(&clients[1]);
    }
    settle();
  }
  settle();
  if (broker.busy()) std::abort();                        // a listing that never finishes
  if (std::getenv("BROKER_CONN_FUZZ_SHOW") != nullptr) {  // to see what a seed reaches
    for (const Client& c : clients) std::fprintf(stderr, "--- client\n%s", c.in.c_str());
  }
  check(clients[0]);
  check(clients[1]);
  return 0;
}
