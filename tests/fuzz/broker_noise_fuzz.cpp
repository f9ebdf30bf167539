// Fuzz target: the broker's input path before and inside Noise, driven for real: a Broker in its
// default mode (encrypted only; its epoll loop turned by hand) with two clients on socketpairs.
// Client 0 is a Noise initiator run by this target; client 1 sends raw bytes (the first byte
// decides: 0x00 starts a handshake the fuzzer cannot finish, anything else is plaintext).
//
// Input: byte 0 holds flags (bits 0-1 both set: client 0 completes the handshake first, so that
// random inputs reach the transport), then chunks separated by 0xff, each starting with an op:
//   op % 4 == 0: the rest goes raw to client 1
//   op % 4 == 1: the rest is sealed by client 0 (one transport message) and sent
//   op % 4 == 2: the same with one ciphertext byte flipped (at the next byte's value, modulo)
//   op % 4 == 3: the rest goes to client 0's connection framed but not sealed (a forged message)
//
// Invariants: client 0 decodes everything it receives as Noise (the broker never writes
// anything but its handshake answer and sealed messages there), and the plaintext holds only
// complete, printable lines; once client 0 sent a flipped or forged message (after the
// handshake), the broker closes the connection. Client 1 gets, for a plaintext first byte, exactly
// "ERR 403 encryption required\n" and the close; for 0x00, at most a framed handshake message
// (2 + 96 bytes) and never plaintext.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/fd.h"
#include "common/crypto/x25519.h"
#include "common/noise/stream.h"
#include "common/wire/wire.h"
#include "server/broker.h"
#include "server/options.h"

using namespace peerlink;
using namespace peerlink::broker;

namespace {

struct Client {
  UniqueFd fd;
  std::string in;  // everything received (wire bytes)
  bool eof = false;
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

void send_some(Client* c, std::string_view bytes, Broker* broker, Client* all) {
  for (int tries = 0; !bytes.empty() && tries < 1000; ++tries) {
    ssize_t n = ::send(c->fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) bytes.remove_prefix(static_cast<size_t>(n));
    if (n < 0 && errno != EAGAIN && errno != EINTR) return;  // closed by the broker
    broker->turn(0);
    drain(&all[0]);
    drain(&all[1]);
  }
}

void check_lines(std::string_view plain, bool eof) {
  while (!plain.empty()) {
    size_t nl = plain.find('\n');
    if (nl == std::string_view::npos) {
      if (!eof) std::abort();  // a partial line although the broker is done writing
      return;
    }
    if (nl + 1 > wire::kMaxLineBytes) std::abort();
    for (char ch : plain.substr(0, nl)) {
      auto b = static_cast<unsigned char>(ch);
      if (b < 0x20 || b == 0x7f) std::abort();
    }
    plain.remove_prefix(nl + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;  // keep each input fast
  BrokerOptions o;
  o.port = 0;
  o.bind = "127.0.0.1";
  o.log_path = "/dev/null";
  o.quiet = true;
  o.key_path.clear();  // an ephemeral key, made once per process
  o.names_path.clear();
  o.max_output_bytes = 1 << 16;
  Broker broker(o);
  if (!broker.start()) std::abort();

  Client clients[2];
  for (int i = 0; i < 2; ++i) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) return 0;
    clients[i].fd.reset(sv[0]);
    if (!broker.adopt(UniqueFd(sv[1]), "127.0.0.1", static_cast<uint16_t>(40000 + i))) std::abort();
  }
  auto settle = [&] {
    for (int t = 0; t < 10000; ++t) {
      broker.turn(0);
      drain(&clients[0]);
      drain(&clients[1]);
      if (!broker.busy() && t > 2) break;
    }
  };

  static const X25519KeyPair key = x25519_generate();
  NoiseStream noise(NoiseRole::kInitiator, kPrologueBroker, key);
  std::string plain;     // what client 0 decrypted
  size_t read_wire = 0;  // of clients[0].in, given to `noise`
  bool noise_failed = false;
  bool tampered = false;
  auto take = [&] {
    if (noise_failed || read_wire == clients[0].in.size()) return;
    std::string answer;
    if (!noise.on_wire(clients[0].in.data() + read_wire, clients[0].in.size() - read_wire, &answer,
                       &plain)) {
      noise_failed = true;
    }
    read_wire = clients[0].in.size();
    if (!answer.empty()) send_some(&clients[0], answer, &broker, clients);
  };

  std::string_view in(reinterpret_cast<const char*>(data), size);
  const bool handshake = !in.empty() && (static_cast<unsigned char>(in[0]) & 3) == 3;
  if (!in.empty()) in.remove_prefix(1);
  if (handshake) {
    std::string m1;
    if (!noise.start(&m1)) std::abort();
    send_some(&clients[0], m1, &broker, clients);
    for (int i = 0; i < 4 && !noise.established() && !noise_failed; ++i) {
      settle();
      take();
    }
    if (!noise.established()) std::abort();  // the broker did not complete a fair handshake
    settle();
  }

  std::vector<std::string> chunks(1);
  for (char ch : in) {
    if (static_cast<unsigned char>(ch) == 0xff) {
      chunks.emplace_back();
    } else {
      chunks.back().push_back(ch);
    }
  }
  for (const std::string& chunk : chunks) {
    if (chunk.empty()) continue;
    const int op = static_cast<unsigned char>(chunk[0]) % 4;
    // At most one transport message, so that a flipped byte is never in a length field.
    std::string rest = chunk.substr(1, NoiseStream::kMaxPlaintextBytes);
    if (op == 0) {
      send_some(&clients[1], rest, &broker, clients);
    } else if (op == 3) {
      std::string forged;
      forged.push_back(static_cast<char>(rest.size() >> 8));
      forged.push_back(static_cast<char>(rest.size() & 0xff));
      forged += rest;
      if (noise.established()) tampered = true;
      send_some(&clients[0], forged, &broker, clients);
    } else if (noise.established()) {
      std::string wire;
      if (!noise.seal(rest.data(), rest.size(), &wire)) std::abort();
      if (op == 2 && wire.size() > 2) {
        const size_t at =
            2 + (rest.empty() ? 0 : static_cast<unsigned char>(rest[0])) % (wire.size() - 2);
        wire[at] = static_cast<char>(wire[at] ^ 0x01);
        tampered = true;
      }
      send_some(&clients[0], wire, &broker, clients);
    }
    settle();
    take();
  }
  settle();
  take();

  if (std::getenv("BROKER_NOISE_FUZZ_SHOW") != nullptr) {  // to see what a seed reaches
    std::fprintf(stderr, "--- client 0 (%s%s)\n%s--- client 1\n%s\n", handshake ? "noise" : "raw",
                 clients[0].eof ? ", closed" : "", plain.c_str(), clients[1].in.c_str());
  }
  // Client 0: only Noise, only whole printable lines; closed after a tampered message.
  if (handshake) {
    if (noise_failed) std::abort();
    check_lines(plain, clients[0].eof);
    if (tampered && !clients[0].eof) std::abort();
  }
  // Client 1: never plaintext past the first-byte rule.
  const std::string& raw = clients[1].in;
  if (!raw.empty()) {
    if (raw.rfind("ERR 403 ", 0) == 0) {
      if (raw != "ERR 403 encryption required\n" || !clients[1].eof) std::abort();
    } else if (raw.size() != 2 + 96 || raw[0] != 0 || raw[1] != 96) {
      std::abort();
    }
  }
  return 0;
}
