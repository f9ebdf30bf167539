// A hostile session peer against the real _peer_server: floods of offers, bidi and invisible
// characters in chat and file names, and what a receiver killed with -9 leaves behind.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
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

using Clock = std::chrono::steady_clock;

const std::string kToken = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string kConnectedToAlice = "connected to alice — type to chat; /send PATH, /quit, /help";
const std::string kRlo = "\xe2\x80\xae";   // U+202E RIGHT-TO-LEFT OVERRIDE
const std::string kLri = "\xe2\x81\xa6";   // U+2066 LEFT-TO-RIGHT ISOLATE
const std::string kZwsp = "\xe2\x80\x8b";  // U+200B ZERO WIDTH SPACE

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string raw_sha256(std::string_view data) {
  const Sha256::Digest d = sha256(data);
  return std::string(d.begin(), d.end());
}

std::string offer(uint32_t id, const std::string& name, std::string_view content) {
  Offer o;
  o.id = id;
  o.size = content.size();
  o.sha256 = raw_sha256(content);
  o.name = name;
  return encode_offer(o);
}

// The test playing alice by hand: Noise as alice's key, then frames inside the transport.
class RawPeer : public SessionPeer {
 public:
  using SessionPeer::SessionPeer;
  bool hello() { return SessionPeer::hello(kToken); }
};

// Bob runs _peer_server --no-lobby; the test is alice.
class HostileSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    share_ = tmp_.file("share");
    dl_ = tmp_.file("downloads");
    for (const auto& d : {share_, dl_}) std::filesystem::create_directories(d);
  }

  void start_bob() {
    Expected<UniqueFd> l = listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(l.ok()) << l.message();
    port_ = local_port(l->get());
    ASSERT_TRUE(set_cloexec(l->get(), false));
    PeerArgs args = session_args("bob", "alice", share_, dl_);
    args.listen_fd = l->get();
    const std::vector<std::string> argv = in_build(args.to_argv(PeerProgram::kServer));
    Process::Options options;
    options.secret = session_secret(kToken, "bob");
    bob_ = Process::start(argv, options);
    l->reset();
    ASSERT_TRUE(bob_);
    ASSERT_TRUE(bob_->wait_line("waiting for")) << bob_->output();
  }

  // Bob, and alice connected to him.
  void start_session() {
    ASSERT_NO_FATAL_FAILURE(start_bob());
    alice_ = std::make_unique<RawPeer>(port_);
    ASSERT_TRUE(alice_->ok());
    ASSERT_TRUE(alice_->hello());
    ASSERT_TRUE(bob_->wait_line(kConnectedToAlice)) << bob_->output();
  }

  // What bob says and does when a transport message from alice does not authenticate: the
  // session ends at once as a lost connection, and he closes without another word (no ERROR:
  // nothing after a forged message can be trusted).
  void expect_lost_to_a_forgery() {
    auto line = bob_->wait_line("session ended: ");
    ASSERT_TRUE(line) << bob_->output();
    EXPECT_EQ(*line,
              "session ended: connection to alice lost: noise: a message failed to authenticate");
    EXPECT_TRUE(alice_->closed());
    EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
  }

  static int exit_code(const std::optional<int>& status) {
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  TempDir tmp_;
  std::string share_, dl_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> bob_;
  std::unique_ptr<RawPeer> alice_;
};

TEST_F(HostileSessionTest, BidiAndInvisibleCharactersArriveNeutralised) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  ASSERT_TRUE(alice_->send(wire::kChat, "pay " + kRlo + "0001$ now" + kLri + "!" + kZwsp));
  auto line = bob_->wait_line("alice: ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "alice: pay ?0001$ now?!?");

  // Shown by a terminal that honours U+202E as "invoice_exe.pdf".
  const std::string content = "MZ not really";
  ASSERT_TRUE(alice_->send(wire::kOffer, offer(1, "invoice_" + kRlo + "fdp.exe", content)));
  line = bob_->wait_line("alice offers ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(line->rfind("alice offers invoice_fdp.exe (13 bytes, sha256 ", 0), 0u) << *line;
  ASSERT_TRUE(bob_->write_line("y"));
  std::optional<Frame> f = alice_->next_of(wire::kAccept);
  ASSERT_TRUE(f);
  ASSERT_TRUE(alice_->send(wire::kData, encode_transfer_id(1) + content));
  ASSERT_TRUE(alice_->send(wire::kDone, encode_done(1, raw_sha256(content))));
  line = bob_->wait_line("received ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line,
            "received invoice_fdp.exe -> " + dl_ + "/invoice_fdp.exe (13 bytes, sha256 verified)");
  EXPECT_EQ(list_dir(dl_), std::vector<std::string>{"invoice_fdp.exe"});
  EXPECT_EQ(read_file(dl_ + "/invoice_fdp.exe"), content);
  // No bidi or invisible character anywhere in what bob showed.
  for (const std::string& c : {kRlo, kLri, kZwsp})
    EXPECT_EQ(bob_->output().find(c), std::string::npos);
}

// Review of item 9: the receiver declines offers past 16 open ones and ends the session when too
// many end unanswered, so a user pasting many /send lines must be held back on their own side:
// bob offers 16 and is told to wait for the rest, and the session goes on.
TEST_F(HostileSessionTest, ASenderKeepsAtMostSixteenOffersOpen) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  ASSERT_TRUE(write_file(share_ + "/f.txt", "some bytes"));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(bob_->write_line("/send " + share_ + "/f.txt"));
  for (int i = 0; i < 4; ++i) {
    auto line = bob_->wait_line("not sent: ");
    ASSERT_TRUE(line) << bob_->output();
    EXPECT_EQ(*line,
              "not sent: 16 files are already offered to or on their way to alice; send f.txt "
              "again when one has finished");
  }
  size_t offers = 0;
  for (std::optional<Frame> f = alice_->next_of(wire::kOffer, milliseconds(2000)); f;
       f = alice_->next_of(wire::kOffer, milliseconds(500))) {
    ++offers;
  }
  EXPECT_EQ(offers, 16u);
  ASSERT_TRUE(alice_->send(wire::kChat, "still here"));
  EXPECT_TRUE(bob_->wait_line("alice: still here")) << bob_->output();
}

// 3M offers made the receiver remember 3M ids (145 MB) and print a line for each. Now a peer
// whose offers keep ending unanswered is cut off: 16 may wait, 64 more are declined at once,
// the one after those ends the session.
TEST_F(HostileSessionTest, OfferFloodEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  uint32_t id = 1;
  for (int i = 0; i < 16 + 65 + 1; ++i, id += 2)
    ASSERT_TRUE(alice_->send(wire::kOffer, offer(id, "spam.bin", "x")));
  int declines = 0;
  std::optional<Frame> f;
  while ((f = alice_->next()) && f->type == wire::kDecline) ++declines;
  ASSERT_TRUE(f) << "no ERROR after " << declines << " DECLINEs\n" << bob_->output();
  EXPECT_EQ(declines, 65);
  EXPECT_EQ(f->type, wire::kError);
  EXPECT_EQ(f->payload, "too many offers: more than 64 ended unanswered within 60 s");
  alice_.reset();  // closing, as a peer does after ERROR, so bob need not wait for it
  auto line = bob_->wait_line("session ended: ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line,
            "session ended: protocol error: too many offers: more than 64 ended unanswered "
            "within 60 s");
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
  EXPECT_TRUE(list_dir(dl_).empty());
}

TEST_F(HostileSessionTest, OfferAndCancelLoopEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  uint32_t id = 1;
  for (int i = 0; i < 66; ++i, id += 2) {
    ASSERT_TRUE(alice_->send(wire::kOffer, offer(id, "again.bin", "x")));
    ASSERT_TRUE(alice_->send(wire::kCancel, encode_cancel(id, "")));
  }
  std::optional<Frame> f = alice_->next_of(wire::kError);
  ASSERT_TRUE(f) << bob_->output();
  EXPECT_EQ(f->payload, "too many offers: more than 64 ended unanswered within 60 s");
  alice_.reset();
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

TEST_F(HostileSessionTest, OfferIdsThatDoNotIncreaseAreAProtocolError) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  ASSERT_TRUE(alice_->send(wire::kOffer, offer(9, "a.bin", "x")));
  ASSERT_TRUE(bob_->wait_line("alice offers a.bin"));
  ASSERT_TRUE(alice_->send(wire::kOffer, offer(7, "b.bin", "x")));
  std::optional<Frame> f = alice_->next_of(wire::kError);
  ASSERT_TRUE(f) << bob_->output();
  EXPECT_EQ(f->payload, "OFFER id 7 is not above the previous one (9)");
  alice_.reset();
  EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
}

// Sets the modification time of `path` an hour into the past.
void age_an_hour(const std::string& path) {
  struct timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= 3600;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

// Bob is killed with -9 mid-file: his .part stays (nothing can run on SIGKILL). The next session
// into the same folder removes it once it is stale, and leaves a download's resumable .part and
// its state alone.
TEST_F(HostileSessionTest, PartLeftByAKilledReceiverIsRemovedByTheNextSession) {
  ASSERT_TRUE(write_file(dl_ + "/movie.mkv.part", "resumable"));
  ASSERT_TRUE(write_file(dl_ + "/.movie.mkv.part.state", "state"));
  ASSERT_NO_FATAL_FAILURE(age_an_hour(dl_ + "/movie.mkv.part"));
  ASSERT_NO_FATAL_FAILURE(age_an_hour(dl_ + "/.movie.mkv.part.state"));

  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string content(100000, 'k');
  ASSERT_TRUE(alice_->send(wire::kOffer, offer(1, "killed.bin", content)));
  ASSERT_TRUE(bob_->wait_line("alice offers killed.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(alice_->next_of(wire::kAccept));
  ASSERT_TRUE(alice_->send(wire::kData, encode_transfer_id(1) + content.substr(0, 40000)));
  ASSERT_TRUE(bob_->wait_line("killed.bin: 25%")) << bob_->output();
  bob_->kill(SIGKILL);
  ASSERT_TRUE(bob_->wait_exit());
  const std::string part = ".peerlink-session.killed.bin.part";
  const std::vector<std::string> left = {".movie.mkv.part.state", part, "movie.mkv.part"};
  ASSERT_EQ(list_dir(dl_), left);

  // Too young to be judged stale: a second session leaves it.
  ASSERT_NO_FATAL_FAILURE(start_session());
  ASSERT_TRUE(bob_->write_line("/quit"));
  ASSERT_TRUE(alice_->next_of(wire::kBye));
  alice_.reset();
  ASSERT_TRUE(bob_->wait_exit());
  EXPECT_FALSE(bob_->saw("removed"));
  EXPECT_EQ(list_dir(dl_), left);

  ASSERT_NO_FATAL_FAILURE(age_an_hour(dl_ + "/" + part));
  ASSERT_NO_FATAL_FAILURE(start_session());
  auto line = bob_->wait_line("removed ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "removed 1 unfinished .part file left in " + dl_ + " by an earlier session");
  EXPECT_EQ(list_dir(dl_), (std::vector<std::string>{".movie.mkv.part.state", "movie.mkv.part"}));
  EXPECT_EQ(read_file(dl_ + "/movie.mkv.part"), std::string("resumable"));
}

// ---- tampering with the transport (issue 9) ----

TEST_F(HostileSessionTest, AReplayedTransportMessageEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string once = alice_->seal(encode_frame(wire::kChat, "pay 10 euros"));
  ASSERT_TRUE(alice_->send_wire(once));
  ASSERT_TRUE(bob_->wait_line("alice: pay 10 euros")) << bob_->output();
  ASSERT_TRUE(alice_->send_wire(once));  // a sniffer sends it again
  ASSERT_NO_FATAL_FAILURE(expect_lost_to_a_forgery());
  const std::string out = bob_->output();
  const size_t first = out.find("alice: pay 10 euros");
  EXPECT_EQ(out.find("alice: pay 10 euros", first + 1), std::string::npos) << out;
}

TEST_F(HostileSessionTest, AReorderedTransportMessageEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string first = alice_->seal(encode_frame(wire::kChat, "first"));
  const std::string second = alice_->seal(encode_frame(wire::kChat, "second"));
  ASSERT_TRUE(alice_->send_wire(second + first));
  ASSERT_NO_FATAL_FAILURE(expect_lost_to_a_forgery());
  EXPECT_FALSE(bob_->saw("alice: second"));
  EXPECT_FALSE(bob_->saw("alice: first"));
}

TEST_F(HostileSessionTest, AFlippedBitEndsTheSession) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  ASSERT_TRUE(alice_->send(wire::kChat, "before"));
  ASSERT_TRUE(bob_->wait_line("alice: before")) << bob_->output();
  std::string wire = alice_->seal(encode_frame(wire::kChat, "transfer 10 euros"));
  wire[NoiseStream::kLengthBytes + 7] ^= 0x04;  // one bit of the ciphertext
  ASSERT_TRUE(alice_->send_wire(wire));
  ASSERT_NO_FATAL_FAILURE(expect_lost_to_a_forgery());
  EXPECT_FALSE(bob_->saw("euros"));
}

// What bob sends is no more readable to a sniffer than what he receives: the scripted peer's raw
// bytes hold neither his chat nor his file.
TEST_F(HostileSessionTest, WhatBobSendsIsCiphertext) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string content(100000, 'k');
  ASSERT_TRUE(write_file(share_ + "/notes.txt", content));
  ASSERT_TRUE(bob_->write_line("the password is swordfish"));
  std::optional<Frame> f = alice_->next_of(wire::kChat);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, "the password is swordfish");
  ASSERT_TRUE(bob_->write_line("/send " + share_ + "/notes.txt"));
  f = alice_->next_of(wire::kOffer);
  ASSERT_TRUE(f);
  ASSERT_TRUE(alice_->send(wire::kAccept, encode_transfer_id(2)));
  ASSERT_TRUE(alice_->next_of(wire::kDone));
  const std::string& seen = alice_->wire_received();
  EXPECT_GT(seen.size(), content.size());
  for (const std::string& secret :
       {std::string("swordfish"), std::string("notes.txt"), std::string(32, 'k')}) {
    EXPECT_EQ(seen.find(secret), std::string::npos) << "the wire carries \"" << secret << "\"";
  }
}

// An offer whose digest follows with DONE (issue 11): bob's prompt says so, and a DONE whose
// digest is not that of the bytes he received gets the file refused, nothing under its name.
TEST_F(HostileSessionTest, ADoneDigestThatDoesNotMatchTheDataIsRefused) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string content = "the bytes alice really sent";
  Offer o;
  o.id = 1;
  o.size = content.size();
  o.sha256 = kDigestFollows;
  o.name = "claim.txt";
  ASSERT_TRUE(alice_->send(wire::kOffer, encode_offer(o)));
  auto line = bob_->wait_line("alice offers ");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line,
            "alice offers claim.txt (27 bytes, sha256 follows with the data) — accept? [y/n]");
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(alice_->next_of(wire::kAccept));
  ASSERT_TRUE(alice_->send(wire::kData, encode_transfer_id(1) + content));
  ASSERT_TRUE(alice_->send(wire::kDone, encode_done(1, raw_sha256("other bytes"))));
  line = bob_->wait_line("claim.txt: transfer failed");
  ASSERT_TRUE(line) << bob_->output();
  EXPECT_EQ(*line, "claim.txt: transfer failed: sha256 mismatch");
  std::optional<Frame> f = alice_->next_of(wire::kCancel);
  ASSERT_TRUE(f);
  uint32_t id = 0;
  std::string reason;
  ASSERT_TRUE(decode_cancel(f->payload, &id, &reason));
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(reason, "sha256 mismatch");
  EXPECT_TRUE(list_dir(dl_).empty());
  // The session goes on.
  ASSERT_TRUE(alice_->send(wire::kChat, "still here"));
  EXPECT_TRUE(bob_->wait_line("alice: still here"));
}

// DONE carries the sender's digest: without it (the old 4-byte DONE) or cut short it is a
// protocol error, and the .part goes.
TEST_F(HostileSessionTest, ADoneWithoutAWholeDigestIsAProtocolError) {
  for (const size_t digest_bytes : {size_t{0}, size_t{31}}) {
    SCOPED_TRACE(digest_bytes);
    ASSERT_NO_FATAL_FAILURE(start_session());
    ASSERT_TRUE(alice_->send(wire::kOffer, offer(1, "short.txt", "abc")));
    ASSERT_TRUE(bob_->wait_line("alice offers short.txt"));
    ASSERT_TRUE(bob_->write_line("y"));
    ASSERT_TRUE(alice_->next_of(wire::kAccept));
    ASSERT_TRUE(alice_->send(wire::kData, encode_transfer_id(1) + "abc"));
    ASSERT_TRUE(alice_->send(wire::kDone,
                             encode_transfer_id(1) + raw_sha256("abc").substr(0, digest_bytes)));
    std::optional<Frame> f = alice_->next_of(wire::kError);
    ASSERT_TRUE(f) << bob_->output();
    EXPECT_EQ(f->payload, "bad DONE payload");
    alice_.reset();
    EXPECT_EQ(exit_code(bob_->wait_exit()), 1);
    EXPECT_TRUE(list_dir(dl_).empty());
  }
}

// Chat sent right behind a file's DONE arrives while (or after) bob commits it: every line, in
// order, and the file is there.
TEST_F(HostileSessionTest, ChatSentDuringACommitArrivesInOrder) {
  ASSERT_NO_FATAL_FAILURE(start_session());
  const std::string content = random_data(8u << 20, 3);
  Offer o;
  o.id = 1;
  o.size = content.size();
  o.sha256 = kDigestFollows;
  o.name = "big.bin";
  ASSERT_TRUE(alice_->send(wire::kOffer, encode_offer(o)));
  ASSERT_TRUE(bob_->wait_line("alice offers big.bin"));
  ASSERT_TRUE(bob_->write_line("y"));
  ASSERT_TRUE(alice_->next_of(wire::kAccept));
  for (size_t at = 0; at < content.size(); at += wire::kChunkBytes)
    ASSERT_TRUE(
        alice_->send(wire::kData, encode_transfer_id(1) + content.substr(at, wire::kChunkBytes)));
  ASSERT_TRUE(alice_->send(wire::kDone, encode_done(1, raw_sha256(content))));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(alice_->send(wire::kChat, "line " + std::to_string(i)));
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(bob_->wait_line("alice: line " + std::to_string(i))) << bob_->output();
  // The commit's line comes before, among or after the chat lines (it runs on its own thread).
  EXPECT_TRUE(bob_->saw(
      "\nreceived big.bin -> " + dl_ + "/big.bin (8388608 bytes, sha256 verified)\n", kDefaultWait))
      << bob_->output();
  EXPECT_TRUE(read_file(dl_ + "/big.bin") == content);
}

}  // namespace
}  // namespace peerlink::testing
