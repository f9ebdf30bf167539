// Integration tests of the session mode of _peer_server / _peer_client: real binaries on loopback.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"
#include "common/base/io.h"
#include "common/crypto/sha256.h"
#include "common/net/net.h"
#include "common/noise/stream.h"
#include "common/session/hello.h"
#include "common/wire/frame.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"
#include "tests/support/process.h"
#include "tests/support/session_peer.h"

namespace peerlink::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kToken = "4f1c0d9e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a70";
// Generous: 20 MiB is hashed three times and crosses loopback, which is slow under sanitizers.
constexpr milliseconds kBigWait{180000};
constexpr size_t kBig = 20u << 20;
const std::string kConnectedToAlice = "connected to alice — type to chat; /send PATH, /quit, /help";
const std::string kConnectedToBob = "connected to bob — type to chat; /send PATH, /quit, /help";

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  return names;
}

std::string raw_sha256(std::string_view data) {
  const Sha256::Digest d = sha256(data);
  return std::string(d.begin(), d.end());
}

// The test playing alice by hand: Noise as alice's key, then frames inside the transport.
using RawPeer = SessionPeer;

// Forwards one connection to 127.0.0.1:target, passing at most `limit` bytes from the client to
// the target; past that it stops reading the client, which then blocks mid-transfer. cut()
// closes both connections, which is all the target sees of a client that died. Every byte it
// forwarded, both ways, is kept for recorded(): what a sniffer on the LAN would see.
class CappedProxy {
 public:
  CappedProxy(uint16_t target, size_t limit) : target_(target), limit_(limit) {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    listener_ = std::move(*l);
    port_ = local_port(listener_.get());
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      stop_read_.reset(fds[0]);
      stop_write_.reset(fds[1]);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~CappedProxy() { cut(); }
  uint16_t port() const { return port_; }
  size_t forwarded() const { return forwarded_.load(); }
  // Call after cut().
  const std::string& recorded() const { return recorded_; }
  void cut() {
    if (!thread_.joinable()) return;
    (void)::write(stop_write_.get(), "x", 1);
    thread_.join();
  }

 private:
  void run() {
    pollfd first[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    if (::poll(first, 2, -1) <= 0 || first[1].revents != 0) return;
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    Expected<UniqueFd> server = connect_tcp("127.0.0.1", target_);
    if (!client || !server.ok()) return;
    std::vector<char> buf(65536);
    for (;;) {
      const bool read_client = forwarded_.load() < limit_;
      pollfd fds[3] = {{client.get(), static_cast<short>(read_client ? POLLIN : 0), 0},
                       {server->get(), POLLIN, 0},
                       {stop_read_.get(), POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0 && errno != EINTR) return;
      if (fds[2].revents != 0) return;
      if (read_client && fds[0].revents != 0) {
        size_t got = 0;
        const size_t cap = std::min(buf.size(), limit_ - forwarded_.load());
        if (!recv_some(client.get(), buf.data(), cap, &got).ok()) return;
        recorded_.append(buf.data(), got);
        if (!send_all(server->get(), buf.data(), got).ok()) return;
        forwarded_ += got;
      }
      if (fds[1].revents != 0) {
        size_t got = 0;
        if (!recv_some(server->get(), buf.data(), buf.size(), &got).ok()) return;
        recorded_.append(buf.data(), got);
        if (!send_all(client.get(), buf.data(), got).ok()) return;
      }
    }
  }

  uint16_t target_;
  size_t limit_;
  UniqueFd listener_;
  uint16_t port_ = 0;
  UniqueFd stop_read_, stop_write_;
  std::atomic<size_t> forwarded_{0};
  std::string recorded_;  // written by the thread only, read after it ended
  std::thread thread_;
};

// Bob runs _peer_server (the accepting side), alice _peer_client, both with --no-lobby.
class PeerSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    share_ = tmp_.file("share");
    bob_dl_ = tmp_.file("deep/down/bob_downloads");  // deep: "../../x" from here stays in tmp_
    alice_dl_ = tmp_.file("alice_downloads");
    for (const auto& d : {share_, bob_dl_, alice_dl_}) std::filesystem::create_directories(d);
  }

  // Starts bob's _peer_server on a fresh listening socket handed over like _c does.
  // `identity`: whose test identity bob's program is handed (a wrong one plays an impostor).
  void start_server(const std::vector<std::string>& extra = {},
                    const std::string& identity = "bob") {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok()) << l.message();
    port_ = local_port(l->get());
    ASSERT_TRUE(set_cloexec(l->get(), false));
    PeerArgs args = session_args("bob", "alice", share_, bob_dl_);
    args.listen_fd = l->get();
    const std::vector<std::string> argv = in_build(args.to_argv(PeerProgram::kServer), extra);
    Process::Options options;
    options.secret = session_secret(kToken, identity);
    bob_ = Process::start(argv, options);
    l->reset();  // only the server holds the listening socket now
    ASSERT_TRUE(bob_);
    auto line = bob_->wait_line("waiting for");
    ASSERT_TRUE(line) << bob_->output();
    EXPECT_EQ(*line, "waiting for alice on port " + std::to_string(port_));
  }

  void start_client(uint16_t port, const std::vector<std::string>& extra = {},
                    const std::string& token = kToken, bool no_lobby = true,
                    const std::string& identity = "alice") {
    PeerArgs args = session_args("alice", "bob", share_, alice_dl_);
    args.host = "127.0.0.1";
    args.port = port;
    args.no_lobby = no_lobby;
    const std::vector<std::string> argv = in_build(args.to_argv(PeerProgram::kClient), extra);
    Process::Options options;
    options.secret = session_secret(token, identity);
    alice_ = Process::start(argv, options);
    ASSERT_TRUE(alice_);
  }

  void start_pair() {
    ASSERT_NO_FATAL_FAILURE(start_server());
    ASSERT_NO_FATAL_FAILURE(start_client(port_));
    expect_connected();
  }

  void expect_connected() {
    auto a = alice_->wait_line("connected to");
    ASSERT_TRUE(a) << alice_->output();
    EXPECT_EQ(*a, kConnectedToBob);
    auto b = bob_->wait_line("connected to");
    ASSERT_TRUE(b) << bob_->output();
    EXPECT_EQ(*b, kConnectedToAlice);
  }

  std::string put_file(const std::string& name, std::string_view data) {
    const std::string path = share_ + "/" + name;
    EXPECT_TRUE(write_file(path, data));
    return path;
  }

  // `from` offers `path`, `to` accepts, and the file arrives in `to_dl`; returns the line.
  void transfer(Process* from, Process* to, const std::string& from_name, const std::string& path,
                const std::string& to_dl, size_t size) {
    const std::string name = std::filesystem::path(path).filename();
    ASSERT_TRUE(from->write_line("/send " + path));
    auto offered = from->wait_line("offered " + name);
    ASSERT_TRUE(offered) << from->output();
    EXPECT_EQ(*offered, "offered " + name + " (" + std::to_string(size) + " bytes) to " +
                            (from_name == "alice" ? "bob" : "alice") + ", waiting for an answer");
    auto offer = to->wait_line(" offers " + name);
    ASSERT_TRUE(offer) << to->output();
    EXPECT_EQ(
        offer->rfind(
            from_name + " offers " + name + " (" + std::to_string(size) + " bytes, sha256 ", 0),
        0u)
        << *offer;
    EXPECT_NE(offer->find(") — accept? [y/n]"), std::string::npos) << *offer;
    ASSERT_TRUE(to->write_line("y"));
    auto received = to->wait_line("received " + name, kBigWait);
    ASSERT_TRUE(received) << to->output();
    EXPECT_EQ(*received, "received " + name + " -> " + to_dl + "/" + name + " (" +
                             std::to_string(size) + " bytes, sha256 verified)");
    auto sent = from->wait_line("sent " + name, kBigWait);
    ASSERT_TRUE(sent) << from->output();
    EXPECT_EQ(*sent, "sent " + name + " (" + std::to_string(size) + " bytes)");
  }

  static int exit_code(const std::optional<int>& status) {
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  TempDir tmp_;
  std::string share_, bob_dl_, alice_dl_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> bob_, alice_;
};

TEST_F(PeerSessionTest, ChatFlowsBothWaysByteForByte) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  ASSERT_TRUE(alice_->write_line("hello bob, how are you?"));
  auto got = bob_->wait_line("alice: ");
  ASSERT_TRUE(got) << bob_->output();
  EXPECT_EQ(*got, "alice: hello bob, how are you?");

  const std::string utf8 =
      "h\xc3\xa9llo al\xc3\xaf"
      "ce \xe2\x9c\x93 \ttab  spaces ";
  ASSERT_TRUE(bob_->write_line(utf8));
  got = alice_->wait_line("bob: ");
  ASSERT_TRUE(got) << alice_->output();
  EXPECT_EQ(*got, "bob: " + utf8);

  // "y" is chat when no offer waits; "//" sends a line starting with '/'.
  ASSERT_TRUE(alice_->write_line("y"));
  ASSERT_TRUE(alice_->write_line("//send is a command"));
  got = bob_->wait_line("alice: ");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "alice: y");
  got = bob_->wait_line("alice: ");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "alice: /send is a command");
}

TEST_F(PeerSessionTest, ControlCharactersFromThePeerAreNeutralised) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  ASSERT_TRUE(alice_->write_line("red \x1b[31mALERT\x1b[0m bell\x07 del\x7f end"));
  auto got = bob_->wait_line("alice: ");
  ASSERT_TRUE(got) << bob_->output();
  EXPECT_EQ(*got, "alice: red ?[31mALERT?[0m bell? del? end");
  EXPECT_EQ(bob_->output().find('\x1b'), std::string::npos);
}

TEST_F(PeerSessionTest, HelpAndUnknownCommandsStayLocal) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  ASSERT_TRUE(alice_->write_line("/help"));
  ASSERT_TRUE(alice_->wait_line("/send PATH    offers a file"));
  ASSERT_TRUE(alice_->write_line("/frobnicate"));
  auto got = alice_->wait_line("unknown command");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "unknown command /frobnicate — /help lists commands");
  ASSERT_TRUE(alice_->write_line("/send " + share_ + "/missing.txt"));
  got = alice_->wait_line("cannot send");
  ASSERT_TRUE(got);
  EXPECT_NE(got->find("No such file"), std::string::npos) << *got;
  // None of it reached bob; the next chat line is the first thing he sees from alice.
  ASSERT_TRUE(alice_->write_line("marker"));
  got = bob_->wait_line("alice: ");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "alice: marker");
}

TEST_F(PeerSessionTest, SmallFilesBothWays) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string empty = put_file("empty.bin", "");
  const std::string one = put_file("one.bin", "\x7f");
  ASSERT_NO_FATAL_FAILURE(transfer(alice_.get(), bob_.get(), "alice", empty, bob_dl_, 0));
  ASSERT_NO_FATAL_FAILURE(transfer(alice_.get(), bob_.get(), "alice", one, bob_dl_, 1));
  EXPECT_EQ(read_file(bob_dl_ + "/empty.bin"), std::string());
  EXPECT_EQ(read_file(bob_dl_ + "/one.bin"), std::string("\x7f"));

  const std::string one_back = put_file("tiny.txt", "!");
  const std::string empty_back = put_file("nothing.txt", "");
  ASSERT_NO_FATAL_FAILURE(transfer(bob_.get(), alice_.get(), "bob", one_back, alice_dl_, 1));
  ASSERT_NO_FATAL_FAILURE(transfer(bob_.get(), alice_.get(), "bob", empty_back, alice_dl_, 0));
  EXPECT_EQ(read_file(alice_dl_ + "/tiny.txt"), std::string("!"));
  EXPECT_EQ(read_file(alice_dl_ + "/nothing.txt"), std::string());
  // No .part left behind on either side.
  EXPECT_EQ(list_dir(bob_dl_).size(), 2u);
  EXPECT_EQ(list_dir(alice_dl_).size(), 2u);
}

// A file outside the shared folder is offered at once, its digest following with the data, and
// arrives byte for byte.
TEST_F(PeerSessionTest, AFileOutsideTheShareIsOfferedWithTheDigestToFollow) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string data = random_data(3u << 20, 21);
  const std::string path = tmp_.file("outside.bin");
  ASSERT_TRUE(write_file(path, data));
  ASSERT_TRUE(alice_->write_line("/send " + path));
  auto offer = bob_->wait_line("alice offers outside.bin");
  ASSERT_TRUE(offer) << bob_->output();
  EXPECT_EQ(*offer,
            "alice offers outside.bin (3145728 bytes, sha256 follows with the data) — accept? "
            "[y/n]");
  ASSERT_TRUE(bob_->write_line("y"));
  auto received = bob_->wait_line("received outside.bin", kBigWait);
  ASSERT_TRUE(received) << bob_->output();
  EXPECT_EQ(*received,
            "received outside.bin -> " + bob_dl_ + "/outside.bin (3145728 bytes, sha256 verified)");
  EXPECT_TRUE(read_file(bob_dl_ + "/outside.bin") == data);
}

// A file in the shared folder whose digest the lobby's hash cache holds (same size and mtime) is
// offered with that digest; if the cache lies (the bytes changed, the mtime did not) bob refuses
// the file, since his hash of what arrived differs.
TEST_F(PeerSessionTest, ASharedFileIsOfferedWithItsCachedDigest) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string good = put_file("good.txt", "cached contents");
  const std::string lying = put_file("lying.txt", "changed contents");
  auto mtime_ns = [](const std::string& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                          st.st_mtim.tv_nsec);
  };
  const std::string good_hex = sha256_hex("cached contents");
  const std::string stale_hex = sha256_hex("earlier contents");
  ASSERT_TRUE(write_file(share_ + "/.peerlink-hashes", "peerlink-hashes 1\n" + good_hex + " 15 " +
                                                           mtime_ns(good) + " good.txt\n" +
                                                           stale_hex + " 16 " + mtime_ns(lying) +
                                                           " lying.txt\n"));
  ASSERT_TRUE(alice_->write_line("/send " + good));
  auto offer = bob_->wait_line("alice offers good.txt");
  ASSERT_TRUE(offer) << bob_->output();
  EXPECT_EQ(*offer, "alice offers good.txt (15 bytes, sha256 " + good_hex.substr(0, 12) +
                        ") — accept? [y/n]");
  ASSERT_TRUE(bob_->write_line("y"));
  auto received = bob_->wait_line("received good.txt", kBigWait);
  ASSERT_TRUE(received) << bob_->output();
  EXPECT_EQ(read_file(bob_dl_ + "/good.txt"), std::string("cached contents"));

  ASSERT_TRUE(alice_->write_line("/send " + lying));
  offer = bob_->wait_line("alice offers lying.txt");
  ASSERT_TRUE(offer) << bob_->output();
  EXPECT_EQ(*offer, "alice offers lying.txt (16 bytes, sha256 " + stale_hex.substr(0, 12) +
                        ") — accept? [y/n]");
  ASSERT_TRUE(bob_->write_line("y"));
  auto failed = bob_->wait_line("lying.txt: transfer failed", kBigWait);
  ASSERT_TRUE(failed) << bob_->output();
  EXPECT_EQ(*failed, "lying.txt: transfer failed: sha256 mismatch");
  EXPECT_FALSE(std::filesystem::exists(bob_dl_ + "/lying.txt"));
}

TEST_F(PeerSessionTest, LargeFilesBothWaysAtOnceWithChat) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string a_data = random_data(kBig, 1), b_data = random_data(kBig, 2);
  const std::string a_path = put_file("from_alice.bin", a_data);
  const std::string b_path = put_file("from_bob.bin", b_data);

  // Both offer at once and both accept: each side streams while it receives, over one socket.
  ASSERT_TRUE(alice_->write_line("/send " + a_path));
  ASSERT_TRUE(bob_->write_line("/send " + b_path));
  ASSERT_TRUE(bob_->wait_line("alice offers from_alice.bin (20971520 bytes, sha256 "));
  ASSERT_TRUE(alice_->wait_line("bob offers from_bob.bin (20971520 bytes, sha256 "));
  const auto start = Clock::now();
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(alice_->write_line("y"));
  ASSERT_TRUE(alice_->write_line("chat while files move"));
  ASSERT_TRUE(bob_->write_line("me too"));

  auto got = bob_->wait_line("alice: ", kBigWait);
  ASSERT_TRUE(got) << bob_->output();
  EXPECT_EQ(*got, "alice: chat while files move");
  got = alice_->wait_line("bob: ", kBigWait);
  ASSERT_TRUE(got) << alice_->output();
  EXPECT_EQ(*got, "bob: me too");

  got = bob_->wait_line("received from_alice.bin", kBigWait);
  ASSERT_TRUE(got) << bob_->output();
  EXPECT_EQ(*got, "received from_alice.bin -> " + bob_dl_ +
                      "/from_alice.bin (20971520 bytes, sha256 verified)");
  got = alice_->wait_line("received from_bob.bin", kBigWait);
  ASSERT_TRUE(got) << alice_->output();
  const auto elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("[ measure  ] 2 x 20 MiB crossed over loopback in %.3f s\n", elapsed);

  EXPECT_TRUE(read_file(bob_dl_ + "/from_alice.bin") == a_data);
  EXPECT_TRUE(read_file(alice_dl_ + "/from_bob.bin") == b_data);
  EXPECT_TRUE(alice_->saw("sent from_alice.bin (20971520 bytes)", kBigWait));
  EXPECT_TRUE(bob_->saw("sent from_bob.bin (20971520 bytes)", kBigWait));
  // Plain progress lines on both sides (stdout is not a terminal here).
  EXPECT_TRUE(bob_->saw("from_alice.bin: 0% "));
  EXPECT_TRUE(bob_->saw("from_alice.bin: 50% "));
  EXPECT_TRUE(alice_->saw("from_alice.bin: 0% "));
  EXPECT_TRUE(alice_->saw("from_alice.bin: 75% "));
}

// The test receives a 20 MiB file from bob by hand, holding the stream still so it knows chat
// typed meanwhile must overtake the rest of the file.
TEST_F(PeerSessionTest, ChatOvertakesFileDataInFlight) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  SessionPeer::Options small;
  small.small_receive_buffer = true;
  RawPeer raw(port_, small);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.hello(kToken));
  ASSERT_TRUE(bob_->wait_line(kConnectedToAlice));

  const std::string data = random_data(kBig, 3);
  const std::string path = put_file("movie.bin", data);
  ASSERT_TRUE(bob_->write_line("/send " + path));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kOffer);
  Offer offer;
  ASSERT_TRUE(decode_offer(f->payload, &offer));
  EXPECT_EQ(offer.name, "movie.bin");
  EXPECT_EQ(offer.size, kBig);
  EXPECT_EQ(offer.sha256, kDigestFollows);  // no hash cache in the shared folder here
  EXPECT_EQ(offer.id % 2, 0u);              // the accepting side numbers its offers evenly
  ASSERT_TRUE(raw.send(wire::kAccept, encode_transfer_id(offer.id)));

  f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kData);
  std::string received;
  uint32_t id = 0;
  std::string_view bytes;
  ASSERT_TRUE(decode_data(f->payload, &id, &bytes));
  received.append(bytes);

  // We read nothing more until the chat line is queued: /help is answered by the same input
  // thread right after it, so its output proves the chat is in the send queue.
  ASSERT_TRUE(bob_->write_line("still there?"));
  ASSERT_TRUE(bob_->write_line("/help"));
  ASSERT_TRUE(bob_->wait_line("commands:"));

  size_t data_at_chat = 0;
  bool chat_seen = false, done_seen = false;
  while (!done_seen) {
    f = raw.next(kBigWait);
    ASSERT_TRUE(f) << "stream ended after " << received.size() << " bytes";
    if (f->type == wire::kData) {
      ASSERT_TRUE(decode_data(f->payload, &id, &bytes));
      ASSERT_EQ(id, offer.id);
      EXPECT_LE(bytes.size(), wire::kChunkBytes);
      received.append(bytes);
    } else if (f->type == wire::kChat) {
      EXPECT_EQ(f->payload, "still there?");
      chat_seen = true;
      data_at_chat = received.size();
    } else if (f->type == wire::kDone) {
      done_seen = true;
      EXPECT_EQ(f->payload, encode_done(offer.id, raw_sha256(data)));
    } else {
      FAIL() << "unexpected frame type " << int{f->type};
    }
  }
  ASSERT_TRUE(chat_seen);
  EXPECT_LT(data_at_chat, kBig) << "the chat line waited for the whole file";
  EXPECT_TRUE(received == data);
  EXPECT_TRUE(bob_->wait_line("sent movie.bin (20971520 bytes)"));
}

TEST_F(PeerSessionTest, DeclinedOfferWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string path = put_file("secret.txt", "not for bob");
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers secret.txt (11 bytes"));
  ASSERT_TRUE(bob_->write_line("n"));
  auto got = bob_->wait_line("secret.txt: ");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "secret.txt: declined");
  got = alice_->wait_line("secret.txt: ");
  ASSERT_TRUE(got) << alice_->output();
  EXPECT_EQ(*got, "secret.txt: declined");
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  // The session goes on, and "n" is chat again now that nothing waits for an answer.
  ASSERT_TRUE(bob_->write_line("n"));
  got = alice_->wait_line("bob: ");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "bob: n");
  EXPECT_TRUE(list_dir(bob_dl_).empty());
}

TEST_F(PeerSessionTest, ExistingFileIsNeverOverwritten) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  ASSERT_TRUE(write_file(bob_dl_ + "/notes.txt", "bob's own notes"));
  const std::string path = put_file("notes.txt", "alice's notes");
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers notes.txt"));
  ASSERT_TRUE(bob_->write_line("yes"));
  auto got = bob_->wait_line("received notes.txt");
  ASSERT_TRUE(got) << bob_->output();
  EXPECT_EQ(*got,
            "received notes.txt -> " + bob_dl_ + "/notes (1).txt (13 bytes, sha256 verified)");
  EXPECT_EQ(read_file(bob_dl_ + "/notes.txt"), std::string("bob's own notes"));
  EXPECT_EQ(read_file(bob_dl_ + "/notes (1).txt"), std::string("alice's notes"));
  EXPECT_EQ(list_dir(bob_dl_).size(), 2u);
}

// The test is a hostile client: offered names try to climb out of the downloads folder and to
// drive the terminal.
TEST_F(PeerSessionTest, HostileOfferedNamesAreNeutralised) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.hello(kToken));
  ASSERT_TRUE(bob_->wait_line(kConnectedToAlice));

  struct Case {
    uint32_t id;
    std::string offered, expected;
  };
  const Case cases[] = {
      {1, "../../x", "x"},
      {3, "evil\x1b]0;pwned\x07\x1b[2J.txt", "evil]0;pwned[2J.txt"},
      {5, ".bashrc", "bashrc"},
      {7, "/etc/passwd", "passwd"},
  };
  for (const Case& c : cases) {
    const std::string content = "payload of " + c.expected;
    Offer offer;
    offer.id = c.id;
    offer.size = content.size();
    offer.sha256 = raw_sha256(content);
    offer.name = c.offered;
    ASSERT_TRUE(raw.send(wire::kOffer, encode_offer(offer)));
    auto line = bob_->wait_line("alice offers ");
    ASSERT_TRUE(line) << bob_->output();
    EXPECT_EQ(line->rfind("alice offers " + c.expected + " (" + std::to_string(content.size()) +
                              " bytes, sha256 ",
                          0),
              0u)
        << *line;
    ASSERT_TRUE(bob_->write_line("y"));
    std::optional<Frame> f = raw.next();
    ASSERT_TRUE(f && f->type == wire::kAccept);
    ASSERT_TRUE(raw.send(wire::kData, encode_transfer_id(c.id) + content));
    ASSERT_TRUE(raw.send(wire::kDone, encode_done(c.id, raw_sha256(content))));
    line = bob_->wait_line("received ");
    ASSERT_TRUE(line) << bob_->output();
    EXPECT_EQ(*line, "received " + c.expected + " -> " + bob_dl_ + "/" + c.expected + " (" +
                         std::to_string(content.size()) + " bytes, sha256 verified)");
    EXPECT_EQ(read_file(bob_dl_ + "/" + c.expected), content);
  }
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("x")));
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("deep/x")));
  EXPECT_EQ(bob_->output().find('\x1b'), std::string::npos);
  EXPECT_EQ(bob_->output().find('\x07'), std::string::npos);
  EXPECT_EQ(list_dir(bob_dl_).size(), 4u);
}

TEST_F(PeerSessionTest, CorruptedFileIsNotKept) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok() && raw.hello(kToken));
  Offer offer;
  offer.id = 1;
  offer.size = 5;
  offer.sha256 = raw_sha256("hello");
  offer.name = "greeting.txt";
  ASSERT_TRUE(raw.send(wire::kOffer, encode_offer(offer)));
  ASSERT_TRUE(bob_->wait_line("alice offers greeting.txt"));
  ASSERT_TRUE(bob_->write_line("y"));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kAccept);
  ASSERT_TRUE(raw.send(wire::kData, encode_transfer_id(1) + "jello"));  // same size, other bytes
  // The sender claims it sent what it offered.
  ASSERT_TRUE(raw.send(wire::kDone, encode_done(1, raw_sha256("hello"))));
  auto line = bob_->wait_line("greeting.txt: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "greeting.txt: transfer failed: sha256 mismatch");
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  f = raw.next();  // the sender is told
  ASSERT_TRUE(f && f->type == wire::kCancel);
  uint32_t id = 0;
  std::string reason;
  ASSERT_TRUE(decode_cancel(f->payload, &id, &reason));
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(reason, "sha256 mismatch");

  // A sender that sends fewer bytes than it offered gets the same treatment.
  offer.id = 3;
  ASSERT_TRUE(raw.send(wire::kOffer, encode_offer(offer)));
  ASSERT_TRUE(bob_->wait_line("alice offers greeting.txt"));
  ASSERT_TRUE(bob_->write_line("y"));
  f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kAccept);
  ASSERT_TRUE(raw.send(wire::kData, encode_transfer_id(3) + "hell"));
  ASSERT_TRUE(raw.send(wire::kDone, encode_done(3, raw_sha256("hell"))));
  line = bob_->wait_line("greeting.txt: transfer failed");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "greeting.txt: transfer failed: size mismatch: got 4 of 5 bytes");
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kCancel);
  ASSERT_TRUE(decode_cancel(f->payload, &id, &reason));
  EXPECT_EQ(id, 3u);
  EXPECT_EQ(reason, "size mismatch: got 4 of 5 bytes");
}

// bob runs under a file size limit with SIGXFSZ ignored, so his writes fail as on a full disk.
TEST_F(PeerSessionTest, WriteErrorCancelsTheTransferAndTheSessionGoesOn) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(l.ok());
  port_ = local_port(l->get());
  ASSERT_TRUE(set_cloexec(l->get(), false));
  Process::Options options;
  options.secret = session_secret(kToken, "bob");
  // 1024 blocks of 512 bytes: 512 KiB per file.
  bob_ =
      Process::start({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 1024 && exec \"$0\" \"$@\"",
                      bin_path("_peer_server"), "--session", "--listen-fd",
                      std::to_string(l->get()), "--peer", "alice", "--peer-key",
                      test_key_hex("alice"), "--user", "bob", "--downloads", bob_dl_, "--no-lobby"},
                     options);
  l->reset();
  ASSERT_TRUE(bob_);
  ASSERT_TRUE(bob_->wait_line("waiting for alice")) << bob_->output();
  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  ASSERT_NO_FATAL_FAILURE(expect_connected());

  const std::string path = put_file("large.bin", random_data(2u << 20, 6));
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers large.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  auto line = bob_->wait_line("large.bin: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(line->rfind("large.bin: transfer failed: cannot write " + bob_dl_ +
                            "/.peerlink-session.large.bin.part: ",
                        0),
            0u)
      << *line;
  // alice may have written the whole file into the socket buffers ("sent") before the CANCEL
  // came back; either way she is told.
  line = alice_->wait_line("large.bin: transfer failed");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "large.bin: transfer failed: bob cancelled (receiver cannot write the file)");
  EXPECT_TRUE(list_dir(bob_dl_).empty());

  // DATA still in flight after the CANCEL is dropped quietly; the session carries on.
  ASSERT_TRUE(alice_->write_line("still friends?"));
  line = bob_->wait_line("alice: ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "alice: still friends?");
  const std::string small = put_file("small.txt", "fits");
  ASSERT_NO_FATAL_FAILURE(transfer(alice_.get(), bob_.get(), "alice", small, bob_dl_, 4));
}

TEST_F(PeerSessionTest, SenderKilledMidTransferLeavesNothing) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  // alice reaches bob through a proxy that passes 8 MiB and then holds her, mid-file.
  CappedProxy proxy(port_, 8u << 20);
  ASSERT_NO_FATAL_FAILURE(start_client(proxy.port()));
  ASSERT_NO_FATAL_FAILURE(expect_connected());

  const std::string path = put_file("big.bin", random_data(kBig, 4));
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers big.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(bob_->wait_line("big.bin: 25% ", kBigWait)) << bob_->output();
  const std::vector<std::string> during = list_dir(bob_dl_);
  ASSERT_EQ(during.size(), 1u);
  EXPECT_EQ(during[0], ".peerlink-session.big.bin.part");

  alice_->kill(SIGKILL);
  ASSERT_TRUE(alice_->wait_exit());
  proxy.cut();

  auto line = bob_->wait_line("big.bin: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "big.bin: transfer failed: connection lost");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: connection to alice lost");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  EXPECT_FALSE(bob_->saw("received"));
}

TEST_F(PeerSessionTest, WrongTokenIsRefusedAndTheRightPeerStillGetsIn) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  {
    RawPeer intruder(port_);
    ASSERT_TRUE(intruder.ok());
    ASSERT_TRUE(intruder.send(wire::kHello, encode_hello(std::string(64, '0'), "alice")));
    std::optional<Frame> f = intruder.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, wire::kError);
    EXPECT_EQ(f->payload, "bad token");
    EXPECT_TRUE(intruder.closed());
  }
  {
    RawPeer chatter(port_);  // talks before saying HELLO
    ASSERT_TRUE(chatter.ok());
    ASSERT_TRUE(chatter.send(wire::kChat, "let me in"));
    std::optional<Frame> f = chatter.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, wire::kError);
    EXPECT_EQ(f->payload, "bad token");
    EXPECT_TRUE(chatter.closed());
  }
  auto line = bob_->wait_line("refused a connection");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "refused a connection from 127.0.0.1: bad token");

  // A client with the wrong token in its environment is told so and gives up.
  ASSERT_NO_FATAL_FAILURE(start_client(port_, {}, std::string(64, 'f')));
  line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: could not join bob at 127.0.0.1:" + std::to_string(port_) +
                       ": refused: bad token");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 1);

  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  ASSERT_TRUE(alice_->write_line("finally"));
  EXPECT_TRUE(bob_->wait_line("alice: finally"));
}

TEST_F(PeerSessionTest, OversizeFrameEndsTheSessionWithAnError) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok() && raw.hello(kToken));
  unsigned char header[wire::kFrameHeaderBytes];
  encode_frame_header(wire::kChat, 0x7fffffffu, header);
  ASSERT_TRUE(raw.send_raw(std::string_view(reinterpret_cast<char*>(header), sizeof header)));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, wire::kError);
  EXPECT_EQ(f->payload, "frame too large");
  EXPECT_TRUE(raw.closed());
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: protocol error: frame too large");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

TEST_F(PeerSessionTest, UnknownFrameTypeEndsTheSessionWithAnError) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok() && raw.hello(kToken));
  ASSERT_TRUE(raw.send(99, "what is this"));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, wire::kError);
  EXPECT_EQ(f->payload, "unknown frame type");
  EXPECT_TRUE(raw.closed());
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: protocol error: unknown frame type");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

TEST_F(PeerSessionTest, DataBeyondTheOfferIsAProtocolError) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok() && raw.hello(kToken));
  Offer offer;
  offer.id = 1;
  offer.size = 4;
  offer.sha256 = raw_sha256("abcd");
  offer.name = "small.txt";
  ASSERT_TRUE(raw.send(wire::kOffer, encode_offer(offer)));
  ASSERT_TRUE(bob_->wait_line("alice offers small.txt"));
  ASSERT_TRUE(bob_->write_line("y"));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f && f->type == wire::kAccept);
  ASSERT_TRUE(raw.send(wire::kData, encode_transfer_id(1) + "abcdefgh"));
  f = raw.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, wire::kError);
  EXPECT_EQ(f->payload, "more DATA than offered for transfer 1");
  EXPECT_TRUE(raw.closed());
  auto line = bob_->wait_line("small.txt: transfer failed");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "small.txt: transfer failed: session ended");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
  EXPECT_TRUE(list_dir(bob_dl_).empty());
}

TEST_F(PeerSessionTest, DataForATransferNobodyAcceptedIsAProtocolError) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer raw(port_);
  ASSERT_TRUE(raw.ok() && raw.hello(kToken));
  ASSERT_TRUE(raw.send(wire::kData, encode_transfer_id(42) + "sneaky"));
  std::optional<Frame> f = raw.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, wire::kError);
  EXPECT_EQ(f->payload, "DATA for unknown transfer 42");
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
  EXPECT_TRUE(list_dir(bob_dl_).empty());
}

TEST_F(PeerSessionTest, QuitOnOneSideEndsBoth) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  ASSERT_TRUE(alice_->write_line("/quit"));
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: you left");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: alice left");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  EXPECT_FALSE(alice_->saw("returning to the lobby"));  // --no-lobby
}

TEST_F(PeerSessionTest, QuitDuringATransferCleansUpOnBothSides) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  CappedProxy proxy(port_, 4u << 20);  // keeps the file from finishing before /quit
  ASSERT_NO_FATAL_FAILURE(start_client(proxy.port()));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  const std::string path = put_file("big.bin", random_data(kBig, 5));
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers big.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(bob_->wait_line("big.bin: 0% "));
  ASSERT_TRUE(bob_->write_line("/quit"));
  auto line = bob_->wait_line("big.bin: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "big.bin: transfer failed: session ended");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: you left");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  // alice hears about it once the proxy lets the BYE through, or sees the line drop.
  proxy.cut();
  line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_TRUE(alice_->saw("big.bin: transfer failed"));
  EXPECT_TRUE(alice_->wait_exit());
}

TEST_F(PeerSessionTest, EndOfInputEndsTheSessionCleanly) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  alice_->close_stdin();
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: input closed");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: alice left");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
}

// Ctrl-C (SIGINT) is /quit: BYE goes out, both sides end cleanly, and the one interrupted says
// so. (Before, the signal killed alice's program and bob saw the connection drop.)
TEST_F(PeerSessionTest, InterruptEndsTheSessionLikeQuit) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  alice_->kill(SIGINT);
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: alice left");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
}

// /send hashes nothing before the offer (issue 11): even a 64 GiB file (of holes; hashing it
// takes tens of seconds) is offered at once, its digest following with the data, and the input
// thread is free at once: Ctrl-C then leaves as usual.
TEST_F(PeerSessionTest, SendOffersAHugeFileAtOnceWithTheDigestToFollow) {
  ASSERT_NO_FATAL_FAILURE(start_pair());
  const std::string path = tmp_.file("huge.bin");
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd);
    ASSERT_EQ(::ftruncate(fd.get(), off_t{64} << 30), 0) << std::strerror(errno);
  }
  ASSERT_TRUE(alice_->write_line("/send " + path));
  auto line = bob_->wait_line("alice offers huge.bin");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line,
            "alice offers huge.bin (68719476736 bytes, sha256 follows with the data) — accept? "
            "[y/n]");
  EXPECT_TRUE(alice_->wait_line("offered huge.bin (68719476736 bytes) to bob")) << alice_->output();
  EXPECT_FALSE(alice_->saw("hashing"));
  alice_->kill(SIGINT);
  line = alice_->wait_line("session ended: ");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  std::filesystem::remove(path);
}

// After Ctrl-C, as after /quit, the session reads no more input: the next line is the lobby's.
// The peer here never closes, so the session waits out its drain time with stdin open.
TEST_F(PeerSessionTest, InterruptStopsReadingInputAtOnce) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  RawPeer peer(port_);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(peer.hello(kToken));
  ASSERT_TRUE(bob_->wait_line("connected to alice")) << bob_->output();
  bob_->kill(SIGINT);
  std::optional<Frame> bye = peer.next();
  ASSERT_TRUE(bye) << bob_->output();
  EXPECT_EQ(bye->type, wire::kBye);
  ASSERT_TRUE(bob_->write_line("typed after ctrl-c"));
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  EXPECT_FALSE(bob_->saw("not sent")) << bob_->output();
  EXPECT_FALSE(peer.next(milliseconds(100))) << "a frame came after BYE";
}

TEST_F(PeerSessionTest, InterruptDuringATransferCleansUpLikeQuit) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  CappedProxy proxy(port_, 4u << 20);  // keeps the file from finishing before the signal
  ASSERT_NO_FATAL_FAILURE(start_client(proxy.port()));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  const std::string path = put_file("big.bin", random_data(kBig, 7));
  ASSERT_TRUE(alice_->write_line("/send " + path));
  ASSERT_TRUE(bob_->wait_line("alice offers big.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(bob_->wait_line("big.bin: 0% "));
  ASSERT_EQ(list_dir(bob_dl_), std::vector<std::string>{".peerlink-session.big.bin.part"});
  bob_->kill(SIGINT);
  auto line = bob_->wait_line("big.bin: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "big.bin: transfer failed: session ended");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  EXPECT_TRUE(list_dir(bob_dl_).empty());
  EXPECT_FALSE(bob_->saw("received"));
  // As after /quit: alice hears of it once the proxy lets go.
  proxy.cut();
  line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_TRUE(alice_->saw("big.bin: transfer failed"));
  EXPECT_TRUE(alice_->wait_exit());
}

// The wait for the peer (60 s by default) ends at once.
TEST_F(PeerSessionTest, InterruptWhileWaitingForThePeerLeavesAtOnce) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  const auto start = Clock::now();
  bob_->kill(SIGINT);
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  EXPECT_LT(Clock::now() - start, milliseconds(5000));
  // The listening socket went with it: nobody can join any more.
  EXPECT_FALSE(connect_tcp("127.0.0.1", port_, 2000).ok());
}

// Retrying the connect (in the pause between attempts) ends at once.
TEST_F(PeerSessionTest, InterruptWhileRetryingTheConnectLeavesAtOnce) {
  uint16_t closed_port = 0;
  {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok());
    closed_port = local_port(l->get());
  }  // closed again: every attempt is refused, the client keeps retrying
  ASSERT_NO_FATAL_FAILURE(start_client(closed_port, {"--connect-timeout", "60"}));
  ASSERT_TRUE(alice_->wait_line("connecting to bob")) << alice_->output();
  const auto start = Clock::now();
  alice_->kill(SIGINT);
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_LT(Clock::now() - start, milliseconds(5000));
}

// A connect attempt that hangs (the peer's accept queue is full, so our SYNs are dropped, as
// with a host that is down) is cut short too, not left to run out its 3 s.
TEST_F(PeerSessionTest, InterruptDuringAHangingConnectAttemptLeavesAtOnce) {
  Expected<UniqueFd> l =
      listen_tcp("127.0.0.1", 0, 0);  // backlog 0: one queued connection fills it
  ASSERT_TRUE(l.ok());
  const uint16_t port = local_port(l->get());
  Expected<UniqueFd> filler = connect_tcp("127.0.0.1", port, 2000);
  ASSERT_TRUE(filler.ok()) << filler.message();
  ASSERT_FALSE(connect_tcp("127.0.0.1", port, 200).ok()) << "the accept queue is not full";
  ASSERT_NO_FATAL_FAILURE(start_client(port, {"--connect-timeout", "60"}));
  ASSERT_TRUE(alice_->wait_line("connecting to bob")) << alice_->output();
  const auto start = Clock::now();
  alice_->kill(SIGINT);
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGINT)");
  EXPECT_LT(Clock::now() - start, milliseconds(1500));
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
}

// SIGTERM also ends the session cleanly (bob is told alice left), but ends the program too: no
// lobby, even without --no-lobby.
TEST_F(PeerSessionTest, TerminateEndsTheSessionAndTheProgram) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(start_client(port_, {}, kToken, /*no_lobby=*/false));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  alice_->kill(SIGTERM);
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: interrupted (SIGTERM)");
  line = bob_->wait_line("session ended");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "session ended: alice left");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_FALSE(alice_->saw("returning to the lobby")) << alice_->output();
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
}

TEST_F(PeerSessionTest, ServerGivesUpWhenNobodyComes) {
  ASSERT_NO_FATAL_FAILURE(start_server({"--wait", "1"}));
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: alice did not connect within 1 s");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

TEST_F(PeerSessionTest, ClientGivesUpWhenNobodyListens) {
  uint16_t closed_port = 0;
  {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok());
    closed_port = local_port(l->get());
  }  // closed again: connecting there is refused
  const auto start = Clock::now();
  ASSERT_NO_FATAL_FAILURE(start_client(closed_port, {"--connect-timeout", "1"}));
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->rfind("session ended: could not connect to bob: ", 0), 0u) << *line;
  EXPECT_EQ(exit_code(alice_->wait_exit()), 1);
  EXPECT_GE(Clock::now() - start, milliseconds(900));  // it did retry for the whole second
}

TEST_F(PeerSessionTest, WithoutNoLobbyItExecsTheLobby) {
  // Same as start_pair() minus --no-lobby on alice: her program must hand over to _c.
  ASSERT_NO_FATAL_FAILURE(start_server());
  PeerArgs args = session_args("alice", "bob", share_, alice_dl_);
  args.host = "127.0.0.1";
  args.port = port_;
  args.no_lobby = false;
  const std::vector<std::string> argv = in_build(args.to_argv(PeerProgram::kClient));
  Process::Options options;
  options.secret = session_secret(kToken, "alice");
  alice_ = Process::start(argv, options);
  ASSERT_TRUE(alice_);
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  ASSERT_TRUE(bob_->write_line("/quit"));
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: bob left");
  line = alice_->wait_line("returning to the lobby");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "returning to the lobby");
  // The same process now runs _c (its comm is set by exec and survives even as a zombie, so this
  // holds whatever _c then does with a broker that is not there).
  const std::string comm_path = "/proc/" + std::to_string(alice_->pid()) + "/comm";
  const auto deadline = Clock::now() + kDefaultWait;
  std::optional<std::string> comm;
  while (Clock::now() < deadline) {
    comm = read_file(comm_path);
    if (comm && *comm == "_c\n") break;
    ::poll(nullptr, 0, 10);  // bounded polling of /proc, not a synchronisation sleep
  }
  EXPECT_EQ(comm.value_or("?"), "_c\n");
  EXPECT_FALSE(alice_->saw("cannot start the lobby"));
}

TEST_F(PeerSessionTest, BadArgumentsAreRefused) {
  auto p = Process::start({bin_path("_peer_server"), "--session", "--peer", "alice"});
  ASSERT_TRUE(p);
  EXPECT_EQ(exit_code(p->wait_exit()), 2);
  EXPECT_TRUE(p->saw("_peer_server: missing --listen-fd (see _peer_server --help)", kDefaultWait))
      << p->output();

  p = Process::start({bin_path("_peer_client"), "--session", "--host", "127.0.0.1", "--port",
                      "99999", "--peer", "bob", "--user", "alice", "--downloads", "/tmp"});
  ASSERT_TRUE(p);
  EXPECT_EQ(exit_code(p->wait_exit()), 2);
  EXPECT_TRUE(p->saw("_peer_client: bad --port 99999: not a port (1-65535)", kDefaultWait))
      << p->output();

  p = Process::start({bin_path("_peer_client"), "--help"});
  ASSERT_TRUE(p);
  EXPECT_EQ(exit_code(p->wait_exit()), 0);
  EXPECT_TRUE(p->saw("usage: _peer_client --session", kDefaultWait)) << p->output();
}

TEST_F(PeerSessionTest, MissingTokenEndsAtOnce) {
  Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(l.ok());
  ASSERT_TRUE(set_cloexec(l->get(), false));
  Process::Options options;
  bob_ =
      Process::start({bin_path("_peer_server"), "--session", "--listen-fd",
                      std::to_string(l->get()), "--peer", "alice", "--peer-key",
                      test_key_hex("alice"), "--user", "bob", "--downloads", bob_dl_, "--no-lobby"},
                     options);
  l->reset();
  ASSERT_TRUE(bob_);
  auto line = bob_->wait_line("session ended");
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "session ended: no session token (no --secret-fd)");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

// ---- Noise (issue 9) ----

// A sniffer between the two programs: chat both ways and a file cross it, and none of it (nor
// the token, the names in HELLO / WELCOME, the file's name) is in what it saw.
TEST_F(PeerSessionTest, NothingOnTheWireIsPlaintext) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  CappedProxy sniffer(port_, SIZE_MAX);
  ASSERT_NO_FATAL_FAILURE(start_client(sniffer.port()));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  const std::string from_alice = "meet me at the library at noon";
  const std::string from_bob = "bring the answers to question seven";
  ASSERT_TRUE(alice_->write_line(from_alice));
  ASSERT_TRUE(bob_->wait_line("alice: " + from_alice)) << bob_->output();
  ASSERT_TRUE(bob_->write_line(from_bob));
  ASSERT_TRUE(alice_->wait_line("bob: " + from_bob)) << alice_->output();
  std::string content;
  while (content.size() < 300000)
    content += "confidential exam paper, line " + std::to_string(content.size()) + "\n";
  const std::string path = put_file("exam-answers.txt", content);
  ASSERT_NO_FATAL_FAILURE(
      transfer(alice_.get(), bob_.get(), "alice", path, bob_dl_, content.size()));
  EXPECT_EQ(read_file(bob_dl_ + "/exam-answers.txt"), content);
  ASSERT_TRUE(alice_->write_line("/quit"));
  EXPECT_EQ(exit_code(alice_->wait_exit()), 0);
  EXPECT_EQ(exit_code(bob_->wait_exit()), 0);
  sniffer.cut();

  const std::string& seen = sniffer.recorded();
  EXPECT_GT(seen.size(), content.size());  // the file did cross it
  for (const std::string& secret :
       {from_alice, from_bob, kToken, std::string("confidential exam paper"),
        std::string("exam-answers"), std::string("alice"), encode_frame(wire::kWelcome, "bob"),
        content.substr(150000, 32)}) {
    EXPECT_EQ(seen.find(secret), std::string::npos) << "the wire carries \"" << secret << "\"";
  }
}

// bob's program holds a key other than the one the broker vouched for (an impostor on bob's
// address): alice stops after message 2, before her own key or the token goes out.
TEST_F(PeerSessionTest, ClientRefusesAServerWithAnotherKey) {
  ASSERT_NO_FATAL_FAILURE(start_server({}, /*identity=*/"mallory"));
  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: could not join bob at 127.0.0.1:" + std::to_string(port_) +
                       ": bob's session presented a key the broker did not vouch for");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 1);
  EXPECT_FALSE(bob_->saw("connected to"));
}

// alice's program holds another key: bob refuses it after message 3, before looking at its
// HELLO, and keeps waiting for the real alice.
TEST_F(PeerSessionTest, ServerRefusesAClientWithAnotherKey) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  ASSERT_NO_FATAL_FAILURE(start_client(port_, {}, kToken, true, /*identity=*/"mallory"));
  auto line = alice_->wait_line("session ended");
  ASSERT_TRUE(line) << alice_->output();
  EXPECT_EQ(*line, "session ended: could not join bob at 127.0.0.1:" + std::to_string(port_) +
                       ": refused: unknown key");
  EXPECT_EQ(exit_code(alice_->wait_exit()), 1);
  line = bob_->wait_line("refused a connection");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line,
            "refused a connection from 127.0.0.1: it presented a key the broker did not vouch for");

  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
}

TEST_F(PeerSessionTest, AnotherPrologueFailsTheHandshake) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  SessionPeer::Options serve;
  serve.prologue = kPrologueServe;  // a downloader's handshake, not a session's
  RawPeer wrong(port_, serve);
  EXPECT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error(), "noise handshake: cannot authenticate the responder's static key");
  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
}

// Two strangers stall in the handshake (one silent, one after message 1) while the real alice
// connects: she gets in at once, not after their 5 s.
TEST_F(PeerSessionTest, StrangersStallingMidHandshakeDoNotHoldUpThePeer) {
  ASSERT_NO_FATAL_FAILURE(start_server());
  Expected<UniqueFd> silent = connect_tcp("127.0.0.1", port_);
  Expected<UniqueFd> stalled = connect_tcp("127.0.0.1", port_);
  ASSERT_TRUE(silent.ok() && stalled.ok());
  NoiseStream half(NoiseRole::kInitiator, kPrologueSession, test_identity("alice"));
  std::string message1;
  ASSERT_TRUE(half.start(&message1));
  ASSERT_TRUE(send_all(stalled->get(), message1).ok());
  ASSERT_TRUE(wait_readable(stalled->get(), 5000).ok());  // message 2 came; never answered
  const auto start = Clock::now();
  ASSERT_NO_FATAL_FAILURE(start_client(port_));
  ASSERT_NO_FATAL_FAILURE(expect_connected());
  EXPECT_LT(Clock::now() - start, milliseconds(4000));
  ASSERT_TRUE(alice_->write_line("made it"));
  EXPECT_TRUE(bob_->wait_line("alice: made it"));
}

}  // namespace
}  // namespace peerlink::testing
