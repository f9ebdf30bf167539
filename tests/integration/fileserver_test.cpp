// Integration tests of serve mode: the real `_peer_server --serve` on a port the OS picks, driven
// by a raw frame client holding tickets signed here with the server's key.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/base/bytes.h"
#include "common/crypto/ticket.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"
#include "tests/support/noise_peer.h"
#include "tests/support/peer_programs.h"
#include "tests/support/process.h"
#include "tests/support/tcp_relay.h"

namespace peerlink::testing {
namespace {

const std::string kKey = std::string(32, '1') + std::string(32, 'f');
const std::string kOtherKey = std::string(64, '7');
constexpr const char* kOwner = "alice";
constexpr const char* kRequester = "dave";

// The downloader's static key: every RawClient is dave's, unless told otherwise, and the tickets
// below are bound to it.
const X25519KeyPair& dave_key() {
  static const X25519KeyPair key = x25519_generate();
  return key;
}

std::string ticket_for(const std::string& file, const std::string& requester = kRequester,
                       const std::string& key = kKey, int64_t expiry_from_now = 300,
                       const std::string& owner = kOwner,
                       const std::string& requester_key = key_hex(dave_key().public_key)) {
  return sign_ticket(
      key, {owner, file, requester, static_cast<int64_t>(std::time(nullptr)) + expiry_from_now,
            requester_key});
}

struct Reply {
  bool ok = false;    // RANGE, all DATA and DONE arrived in order
  std::string error;  // the ERROR frame's reason, or what went wrong
  RangeReply range;
  std::string data;
};

// A downloader speaking the raw protocol over one connection, inside Noise as `key`.
class RawClient {
 public:
  explicit RawClient(uint16_t port, const X25519KeyPair& key = dave_key()) {
    Expected<NoisePeer> peer = noise_connect(port, kPrologueServe, key);
    if (peer) {
      peer_ = std::move(*peer);
    } else {
      failure_ = peer.message();
    }
  }
  bool ok() const { return peer_.channel != nullptr; }
  const std::string& failure() const { return failure_; }  // why the handshake failed
  int fd() const { return peer_.fd.get(); }
  NoiseChannel* channel() { return peer_.channel.get(); }

  Reply get(const std::string& file, uint64_t offset, uint64_t length, const std::string& ticket,
            const std::string& requester = kRequester) {
    GetRequest g;
    g.id = next_id_++;
    g.offset = offset;
    g.length = length;
    g.requester = requester;
    g.file = file;
    g.ticket = ticket;
    Reply r;
    if (!ok() || !send_frame(channel(), wire::kGet, encode_get_request(g)).ok()) {
      r.error = "send failed";
      return r;
    }
    return receive(g.id);
  }

  Reply receive(uint32_t id) {
    Reply r;
    Frame f;
    if (!ok() || !receive_frame(channel(), &f).ok()) {
      r.error = "no reply";
      return r;
    }
    if (f.type == wire::kError) {
      r.error = f.payload;
      return r;
    }
    if (f.type != wire::kRange || !decode_range_reply(f.payload, &r.range) || r.range.id != id) {
      r.error = "bad RANGE";
      return r;
    }
    while (r.data.size() < r.range.length) {
      if (!receive_frame(channel(), &f).ok() || f.type != wire::kData || f.payload.size() < 4) {
        r.error = "bad DATA";
        return r;
      }
      uint32_t got_id = 0;
      decode_serve_id(std::string_view(f.payload).substr(0, 4), &got_id);
      if (got_id != id) {
        r.error = "DATA for another id";
        return r;
      }
      r.data.append(f.payload, 4, std::string::npos);
    }
    uint32_t done_id = 0;
    if (!receive_frame(channel(), &f).ok() || f.type != wire::kDone ||
        !decode_serve_id(f.payload, &done_id) || done_id != id || r.data.size() != r.range.length) {
      r.error = "bad DONE";
      return r;
    }
    r.ok = true;
    return r;
  }

  // True if the server closed the connection (EOF, or a reset) within the timeout.
  bool closed() {
    if (!wait_readable(fd(), 10000).ok()) return false;
    char c;
    const ssize_t n = ::recv(fd(), &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  NoisePeer peer_;
  std::string failure_;
  uint32_t next_id_ = 1;
};

using Server = ServeProcess;

Server start_server(const std::string& share, const std::string& log,
                    const std::vector<std::string>& extra = {}, const std::string& key = kKey) {
  return start_serve(serve_args(share, kOwner, log), key, extra);
}

class FileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    share_ = dir_.file("shared");
    ASSERT_EQ(::mkdir(share_.c_str(), 0755), 0);
    content_ = random_data(300'000, 11);  // several DATA frames, and a short last one
    ASSERT_TRUE(write_file(share_ + "/song.ogg", content_));
    ASSERT_TRUE(write_file(share_ + "/other.txt", "other"));
    ASSERT_TRUE(write_file(share_ + "/.hidden", "secret"));
    ASSERT_TRUE(write_file(dir_.file("outside.txt"), "outside"));
    ASSERT_EQ(::symlink(dir_.file("outside.txt").c_str(), (share_ + "/link-out").c_str()), 0);
    ASSERT_EQ(::mkdir((share_ + "/sub").c_str(), 0755), 0);
    log_ = dir_.file("serve.log");
  }
  void start(const std::vector<std::string>& extra = {}) {
    server_ = start_server(share_, log_, extra);
    ASSERT_NE(server_.port, 0) << (server_.proc ? server_.proc->output() : "no process");
  }
  // The request lines of the server's log.
  std::vector<std::string> log_lines() {
    std::vector<std::string> lines;
    const std::string text = read_file(log_).value_or("");
    size_t start = 0;
    while (start < text.size()) {
      const size_t nl = text.find('\n', start);
      const std::string line = text.substr(start, nl - start);
      if (line.find(" get ") != std::string::npos) lines.push_back(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return lines;
  }
  // Waits (bounded) until the log holds `n` request lines: the server logs after replying.
  std::vector<std::string> wait_log_lines(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::string> lines;
    while ((lines = log_lines()).size() < n && std::chrono::steady_clock::now() < deadline)
      (void)wait_readable(-1, 10);  // a short bounded pause between looks at the file
    return lines;
  }
  void expect_refused(const std::string& file, const std::string& ticket, const std::string& reason,
                      const std::string& requester = kRequester) {
    RawClient c(server_.port);
    ASSERT_TRUE(c.ok());
    const Reply r = c.get(file, 0, 1, ticket, requester);
    EXPECT_FALSE(r.ok) << file;
    EXPECT_EQ(r.error, reason) << file;
    EXPECT_TRUE(r.data.empty());
    EXPECT_TRUE(c.closed()) << "the server closes after ERROR (" << file << ")";
  }

  TempDir dir_;
  std::string share_, log_, content_;
  Server server_;
};

TEST_F(FileServerTest, ServesAWholeFileAndRangesOnOneConnection) {
  start();
  RawClient c(server_.port);
  ASSERT_TRUE(c.ok());
  const std::string t = ticket_for("song.ogg");
  Reply whole = c.get("song.ogg", 0, content_.size(), t);
  ASSERT_TRUE(whole.ok) << whole.error;
  EXPECT_EQ(whole.range.file_size, content_.size());
  EXPECT_TRUE(whole.data == content_);

  Reply part = c.get("song.ogg", 1000, 70'000, t);
  ASSERT_TRUE(part.ok) << part.error;
  EXPECT_EQ(part.range.offset, 1000u);
  EXPECT_TRUE(part.data == content_.substr(1000, 70'000));

  Reply tail = c.get("song.ogg", content_.size() - 1, 1, t);
  ASSERT_TRUE(tail.ok) << tail.error;
  EXPECT_EQ(tail.data, content_.substr(content_.size() - 1));

  Reply empty = c.get("song.ogg", content_.size(), 0, t);  // an empty range at the end is fine
  ASSERT_TRUE(empty.ok) << empty.error;
  EXPECT_TRUE(empty.data.empty());

  const auto lines = wait_log_lines(4);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("user=dave file=song.ogg offset=0 length=300000 result=ok sent=300000"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("offset=1000 length=70000 result=ok sent=70000"), std::string::npos);
}

// Issue 9: a sniffer on the LAN used to read every file, name and ticket off the wire. Now what
// the server sends holds not one 16-byte piece of the file, and neither side sends a name, the
// requester or the ticket in clear.
TEST_F(FileServerTest, NothingOnTheWireIsInClear) {
  start();
  TcpRelay relay(server_.port);
  ASSERT_NE(relay.port(), 0);
  const std::string t = ticket_for("song.ogg");
  {
    RawClient c(relay.port());
    ASSERT_TRUE(c.ok()) << c.failure();
    const Reply r = c.get("song.ogg", 0, content_.size(), t);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.data == content_);
  }
  const std::string down = relay.recorded(TcpRelay::Direction::kToClient);
  const std::string up = relay.recorded(TcpRelay::Direction::kToServer);
  ASSERT_GT(down.size(), content_.size()) << "the file went through the relay";
  size_t pieces = 0, in_clear = 0;
  for (size_t at = 0; at + 16 <= content_.size(); at += 997, ++pieces)
    in_clear += down.find(content_.substr(at, 16)) != std::string::npos ? 1 : 0;
  EXPECT_EQ(in_clear, 0u) << "of " << pieces << " pieces of the file";
  for (const std::string& word : {std::string("song.ogg"), std::string(kRequester), t}) {
    EXPECT_EQ(up.find(word), std::string::npos) << word;
    EXPECT_EQ(down.find(word), std::string::npos) << word;
  }
}

// Issue 9: tickets were bearer tokens, good from any machine for 300 s to whoever sniffed one.
// Now a ticket is bound to the key it was issued to: on a connection with another key it is
// forged, and nothing is served.
TEST_F(FileServerTest, ASniffedTicketReplayedWithAnotherKeyIsRefused) {
  start();
  const std::string t = ticket_for("song.ogg");  // dave's, bound to dave's key
  {
    RawClient thief(server_.port, x25519_generate());
    ASSERT_TRUE(thief.ok()) << thief.failure();
    const Reply r = thief.get("song.ogg", 0, content_.size(), t);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "forged ticket");
    EXPECT_TRUE(r.data.empty());
    EXPECT_TRUE(thief.closed());
  }
  RawClient dave(server_.port);  // the same ticket on dave's own key
  const Reply r = dave.get("song.ogg", 0, 10, t);
  EXPECT_TRUE(r.ok) << r.error;
  const auto lines = wait_log_lines(2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("result=forged%20ticket sent=0"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("result=ok sent=10"), std::string::npos) << lines[1];
}

// Issue 9: a connection whose decryption fails is closed at once. A bit flipped in the client's
// first transport message (its GET) gets no answer at all, not even an ERROR; one flipped in the
// server's first (the RANGE) fails on the client's side. The server serves others meanwhile.
TEST_F(FileServerTest, AFlippedBitInATransportMessageEndsTheConnection) {
  start();
  // Handshake bytes before the first transport message: client 2+32 and 2+64, server 2+96.
  constexpr size_t kClientHandshake = 100, kServerHandshake = 98;
  {
    TcpRelay relay(server_.port);
    relay.flip(TcpRelay::Direction::kToServer, kClientHandshake + 2 + 5, 0x01);
    RawClient c(relay.port());
    ASSERT_TRUE(c.ok()) << c.failure();
    const Reply r = c.get("song.ogg", 0, 100, ticket_for("song.ogg"));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "no reply");
    EXPECT_TRUE(relay.recorded(TcpRelay::Direction::kToClient).size() == kServerHandshake)
        << "nothing but the handshake came back";
  }
  {
    TcpRelay relay(server_.port);
    relay.flip(TcpRelay::Direction::kToClient, kServerHandshake + 2 + 5, 0x80);
    RawClient c(relay.port());
    ASSERT_TRUE(c.ok()) << c.failure();
    const Reply r = c.get("song.ogg", 0, 100, ticket_for("song.ogg"));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "no reply");
    EXPECT_TRUE(r.data.empty());
  }
  RawClient fine(server_.port);
  const Reply r = fine.get("song.ogg", 0, 100, ticket_for("song.ogg"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.data == content_.substr(0, 100));
}

TEST_F(FileServerTest, ServesAZeroByteFile) {
  ASSERT_TRUE(write_file(share_ + "/empty", ""));
  start();
  RawClient c(server_.port);
  const Reply r = c.get("empty", 0, 0, ticket_for("empty"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.range.file_size, 0u);
}

TEST_F(FileServerTest, RefusesBadTicketsAndServesNothing) {
  start();
  std::string forged = ticket_for("song.ogg");
  forged.back() = forged.back() == '0' ? '1' : '0';
  expect_refused("song.ogg", forged, "forged ticket");
  expect_refused("song.ogg", ticket_for("song.ogg", kRequester, kKey, -10), "expired ticket");
  expect_refused("song.ogg", ticket_for("song.ogg", "eve"), "forged ticket");  // eve's ticket
  expect_refused("song.ogg", ticket_for("other.txt"), "forged ticket");        // another file's
  expect_refused("song.ogg", ticket_for("song.ogg", kRequester, kOtherKey), "forged ticket");
  expect_refused("song.ogg", ticket_for("song.ogg", kRequester, kKey, 300, "bob"),
                 "forged ticket");  // signed for another owner
  expect_refused("song.ogg", "nonsense", "malformed ticket");
  expect_refused("song.ogg", "", "malformed ticket");
  for (const std::string& line : wait_log_lines(8)) {
    EXPECT_NE(line.find(" sent=0"), std::string::npos) << line;
    EXPECT_EQ(line.find("result=ok"), std::string::npos) << line;
  }
}

TEST_F(FileServerTest, ATicketThatExpiresMidDownloadKeepsItsConnection) {
  start();
  const auto expiry = static_cast<int64_t>(std::time(nullptr)) + 1;
  const std::string t =
      sign_ticket(kKey, {kOwner, "song.ogg", kRequester, expiry, key_hex(dave_key().public_key)});
  RawClient c(server_.port);
  ASSERT_TRUE(c.get("song.ogg", 0, 100, t).ok);
  // Wait (bounded) for the clock to pass the expiry: the property under test is about time.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::time(nullptr) <= expiry && std::chrono::steady_clock::now() < deadline)
    (void)wait_readable(-1, 50);
  ASSERT_GT(std::time(nullptr), expiry);
  const Reply more = c.get("song.ogg", 100, 100, t);
  EXPECT_TRUE(more.ok) << more.error;
  EXPECT_TRUE(more.data == content_.substr(100, 100));
  expect_refused("song.ogg", t, "expired ticket");  // a new connection needs a fresh ticket
}

TEST_F(FileServerTest, RefusesNamesOutsideTheSharedFolder) {
  start();
  // Every ticket here is genuine: only the path rules stand in the way.
  expect_refused("../outside.txt", ticket_for("../outside.txt"), "bad file name");
  expect_refused("../etc/passwd", ticket_for("../etc/passwd"), "bad file name");
  expect_refused("/etc/passwd", ticket_for("/etc/passwd"), "bad file name");
  expect_refused(".hidden", ticket_for(".hidden"), "bad file name");
  expect_refused("..", ticket_for(".."), "bad file name");
  expect_refused("", ticket_for(""), "bad file name");
  expect_refused("link-out", ticket_for("link-out"), "outside the shared folder");
  expect_refused("sub", ticket_for("sub"), "not a regular file");
  expect_refused("missing", ticket_for("missing"), "no such file");
}

TEST_F(FileServerTest, RefusesRangesBeyondTheFile) {
  start();
  const std::string t = ticket_for("song.ogg");
  RawClient c(server_.port);
  Reply r = c.get("song.ogg", content_.size() + 1, 0, t);
  EXPECT_EQ(r.error, "bad range");
  RawClient c2(server_.port);
  r = c2.get("song.ogg", 10, content_.size(), t);
  EXPECT_EQ(r.error, "bad range");
  RawClient c3(server_.port);
  r = c3.get("song.ogg", 10, ~uint64_t{0}, t);  // offset + length would overflow
  EXPECT_EQ(r.error, "bad range");
}

TEST_F(FileServerTest, RefusesUnknownAndOversizeFrames) {
  start();
  RawClient a(server_.port);
  ASSERT_TRUE(a.ok()) << a.failure();
  ASSERT_TRUE(send_frame(a.channel(), 99, "x").ok());
  Frame f;
  ASSERT_TRUE(receive_frame(a.channel(), &f).ok());
  EXPECT_EQ(f.type, wire::kError);
  EXPECT_EQ(f.payload, "bad frame");
  EXPECT_TRUE(a.closed());

  RawClient b(server_.port);
  ASSERT_TRUE(send_frame(b.channel(), wire::kGet, std::string(kMaxGetPayload + 1, 'x')).ok());
  ASSERT_TRUE(receive_frame(b.channel(), &f).ok());
  EXPECT_EQ(f.payload, "bad frame");

  RawClient c(server_.port);
  ASSERT_TRUE(send_frame(c.channel(), wire::kChat, "hello").ok());
  ASSERT_TRUE(receive_frame(c.channel(), &f).ok());
  EXPECT_EQ(f.payload, "expected GET");

  RawClient d(server_.port);
  ASSERT_TRUE(send_frame(d.channel(), wire::kGet, "short").ok());
  ASSERT_TRUE(receive_frame(d.channel(), &f).ok());
  EXPECT_EQ(f.payload, "bad request");
}

TEST_F(FileServerTest, ServesSeveralDownloadersAtOnce) {
  const std::string big = random_data(2 << 20, 12);
  ASSERT_TRUE(write_file(share_ + "/big.bin", big));
  start();
  constexpr int kClients = 8;
  std::vector<std::string> got(kClients);
  std::vector<std::string> errors(kClients);
  std::vector<std::thread> threads;
  std::atomic<int> connected{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      RawClient c(server_.port);
      connected.fetch_add(1);
      const Reply r = c.get("big.bin", 0, big.size(), ticket_for("big.bin"));
      errors[i] = r.error;
      got[i] = r.data;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(errors[i], "") << i;
    EXPECT_TRUE(got[i] == big) << i;
  }
}

TEST_F(FileServerTest, RefusesConnectionsOverTheCapUntilOneEnds) {
  start({"--max-clients", "1"});
  auto first = std::make_unique<RawClient>(server_.port);
  // A served request proves that the first connection holds the only slot.
  ASSERT_TRUE(first->get("other.txt", 0, 5, ticket_for("other.txt")).ok);
  {
    RawClient second(server_.port);
    ASSERT_TRUE(second.ok()) << second.failure();
    Frame f;
    ASSERT_TRUE(receive_frame(second.channel(), &f).ok());
    EXPECT_EQ(f.type, wire::kError);
    EXPECT_EQ(f.payload, "server busy");
  }
  first.reset();
  // The slot frees once the server notices the close; retry within a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Reply r;
  while (std::chrono::steady_clock::now() < deadline) {
    RawClient again(server_.port);
    r = again.get("other.txt", 0, 5, ticket_for("other.txt"));
    if (r.ok) break;
    ASSERT_EQ(r.error, "server busy");
  }
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.data, "other");
}

TEST_F(FileServerTest, NeverWritesInTheSharedFolder) {
  start();
  auto listing = [this] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(share_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto before = listing();
  RawClient c(server_.port);
  ASSERT_TRUE(c.get("song.ogg", 0, content_.size(), ticket_for("song.ogg")).ok);
  server_.proc->kill(SIGTERM);
  ASSERT_TRUE(server_.proc->wait_exit().has_value());
  EXPECT_EQ(listing(), before);
}

TEST_F(FileServerTest, ExitsZeroOnSigtermEvenWithConnectionsOpen) {
  start();
  RawClient idle(server_.port);
  RawClient busy(server_.port);
  ASSERT_TRUE(busy.get("other.txt", 0, 5, ticket_for("other.txt")).ok);
  server_.proc->kill(SIGTERM);
  const auto status = server_.proc->wait_exit();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status)) << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_NE(read_file(log_).value_or("").find("stopped: 2 connections, 1 requests, 1 served"),
            std::string::npos)
      << read_file(log_).value_or("");
}

TEST_F(FileServerTest, ExitsZeroOnSigint) {
  start();
  server_.proc->kill(SIGINT);
  const auto status = server_.proc->wait_exit();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

// True once `pid` is gone or a zombie nobody reaps (it was re-parented).
bool process_ended(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
  const size_t paren = stat.rfind(')');
  return stat.empty() || (paren != std::string::npos && paren + 2 < stat.size() &&
                          (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X'));
}

TEST_F(FileServerTest, ExitsWhenItsParentDies) {
  // A shell stands in for the lobby: it starts the server in the background, tied to its own
  // pid, says the server's pid, and waits. Killing the shell must take the server down.
  const std::string script =
      "\"$0\" --serve --port 0 --bind 127.0.0.1 --share \"$1\" --user alice --parent-pid $$ "
      "\"$2\" \"$3\" & echo \"child $!\"; wait";  // $2 $3: the --secret-fd N the harness added
  Process::Options options;
  options.secret = fetch_secret(x25519_generate(), kKey);  // an identity line, then the key
  auto shell = Process::start({"/bin/sh", "-c", script, bin_path("_peer_server"), share_}, options);
  ASSERT_TRUE(shell);
  // The shell's line and the server's may come in either order.
  ASSERT_TRUE(shell->saw("child ", kDefaultWait) && shell->saw(" on port ", kDefaultWait))
      << shell->output();
  const std::string out = shell->output();
  const pid_t server_pid = static_cast<pid_t>(std::atoi(out.c_str() + out.find("child ") + 6));
  ASSERT_GT(server_pid, 0);
  const auto port = static_cast<uint16_t>(std::atoi(out.c_str() + out.find(" on port ") + 9));
  ASSERT_TRUE(connect_tcp("127.0.0.1", port).ok());

  shell->kill(SIGKILL);
  ASSERT_TRUE(shell->wait_exit().has_value());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!process_ended(server_pid) && std::chrono::steady_clock::now() < deadline)
    (void)wait_readable(-1, 10);
  EXPECT_TRUE(process_ended(server_pid)) << "the server outlived its parent";
  EXPECT_FALSE(connect_tcp("127.0.0.1", port, 1000).ok());
}

TEST_F(FileServerTest, DoesNotStartWhenTheParentIsAlreadyGone) {
  // Our parent is the test, not pid 1: as if the lobby had died before prctl() took effect.
  server_ = start_server(share_, log_, {"--parent-pid", "1"});
  EXPECT_EQ(server_.port, 0);
  const auto status = server_.proc->wait_exit();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_TRUE(server_.proc->saw("parent 1 is gone"));
}

TEST_F(FileServerTest, NeedsATicketKeyInItsSecretDescriptor) {
  for (const std::string& key : {std::string(""), std::string(63, 'a'), std::string(64, 'g')}) {
    Server s = start_server(share_, log_, {}, key);
    const auto status = s.proc->wait_exit();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(WEXITSTATUS(*status), 2);
    EXPECT_TRUE(s.proc->saw("the ticket key (--secret-fd) must hold 64 hex digits"))
        << s.proc->output();
  }
}

TEST_F(FileServerTest, NeedsTheOwnersIdentityInItsSecretDescriptor) {
  // The ticket key alone, as the secret was before downloads were encrypted: no identity line.
  std::vector<std::string> argv = in_build(serve_args(share_, kOwner, log_).to_argv());
  Process::Options options;
  options.secret = kKey;
  auto p = Process::start(argv, options);
  const auto status = p->wait_exit();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  EXPECT_TRUE(p->saw("--secret-fd: the secret has no IDENTITY line")) << p->output();
}

TEST_F(FileServerTest, BadUsageExitsTwo) {
  Process::Options options;
  options.secret = fetch_secret(x25519_generate(), kKey);
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--share", share_, "--user", "alice"},                            // no port or fd
           {"--port", "0", "--share", share_, "--user", "-x"},                // bad user
           {"--port", "0", "--share", dir_.file("nope"), "--user", "alice"},  // no folder
           {"--port", "0", "--share", share_, "--user", "alice", "--bogus", "1"},
           {"--listen-fd", "0", "--share", share_, "--user", "alice"},  // not a listener
       }) {
    std::vector<std::string> argv = {bin_path("_peer_server"), "--serve"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = Process::start(argv, options);
    const auto status = p->wait_exit();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(WEXITSTATUS(*status), 2) << p->output();
  }
}

}  // namespace
}  // namespace peerlink::testing
