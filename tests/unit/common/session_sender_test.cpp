// Unit tests of the session's single writer: frame order, file streaming, chat overtaking data.
#include "common/session/sender.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "common/crypto/sha256.h"
#include "common/wire/frame.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"
#include "tests/support/peer_programs.h"
#include "tests/support/session_peer.h"

namespace peerlink {
namespace {

// A sender on one end of a socketpair, the test on the other (a scripted Noise responder), console
// output in a temp file.
class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ours_.reset(sv[0]);
    std::thread responder([&] {
      testing::SessionPeer::Options o;
      o.key = testing::test_identity("bob");
      peer_ = testing::SessionPeer::accept(UniqueFd(sv[1]), o);
    });
    const X25519KeyPair alice = testing::test_identity("alice");
    NoiseChannel::Setup setup;
    setup.local_static = &alice;
    setup.prologue = kPrologueSession;
    Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(ours_.get(), setup);
    responder.join();
    ASSERT_TRUE(channel) << channel.message();
    ASSERT_TRUE(peer_->ok()) << peer_->error();
    channel_ = std::move(*channel);
    out_ = std::tmpfile();
    ASSERT_NE(out_, nullptr);
    console_ = std::make_unique<Console>(fileno(out_), false, false);
    sender_ = std::make_unique<SessionSender>(channel_.get(), console_.get(), "bob", 1);
    sender_->start([this](const std::string& e) {
      if (errors_++ == 0) error_.set_value(e);
    });
    char tmpl[] = "/tmp/peerlink_sender_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    sender_.reset();
    std::fclose(out_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<SourceFile> source(const std::string& name, const std::string& data) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary)
        .write(data.data(), static_cast<std::streamsize>(data.size()));
    auto src = SourceFile::open(path);
    EXPECT_TRUE(src.ok()) << src.message();
    return std::move(src).value_or(nullptr);
  }

  Frame next() {
    std::optional<Frame> f = peer_->next();
    EXPECT_TRUE(f);
    return f.value_or(Frame{});
  }

  // Everything the console printed (call after the sender stopped).
  std::string printed() {
    std::fflush(out_);
    std::string s;
    char buf[4096];
    ssize_t n;
    off_t off = 0;
    while ((n = ::pread(fileno(out_), buf, sizeof buf, off)) > 0) {
      s.append(buf, static_cast<size_t>(n));
      off += n;
    }
    return s;
  }

  static std::string random_data(size_t n) {
    std::mt19937 rng(42);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  }

  UniqueFd ours_;
  std::unique_ptr<NoiseChannel> channel_;
  std::unique_ptr<testing::SessionPeer> peer_;
  FILE* out_ = nullptr;
  std::unique_ptr<Console> console_;
  std::unique_ptr<SessionSender> sender_;
  std::string dir_;
  std::promise<std::string> error_;
  std::atomic<int> errors_{0};
};

TEST_F(SenderTest, ControlFramesKeepTheirOrder) {
  ASSERT_TRUE(sender_->queue(wire::kChat, "one"));
  ASSERT_TRUE(sender_->queue(wire::kChat, "two"));
  ASSERT_TRUE(sender_->queue(wire::kDecline, encode_transfer_id(4)));
  EXPECT_EQ(next().payload, "one");
  EXPECT_EQ(next().payload, "two");
  Frame f = next();
  EXPECT_EQ(f.type, wire::kDecline);
  EXPECT_EQ(f.payload, encode_transfer_id(4));
}

TEST_F(SenderTest, FinalFrameIsLastThenEndOfStream) {
  ASSERT_TRUE(sender_->queue(wire::kChat, "bye now"));
  sender_->queue_final(wire::kBye, "alice left");
  EXPECT_FALSE(sender_->queue(wire::kChat, "too late"));
  EXPECT_EQ(next().payload, "bye now");
  Frame f = next();
  EXPECT_EQ(f.type, wire::kBye);
  EXPECT_EQ(f.payload, "alice left");
  EXPECT_FALSE(peer_->next());
  EXPECT_TRUE(peer_->at_end());
}

TEST_F(SenderTest, OfferAcceptStreamsDataThenDone) {
  const std::string data = random_data(3 * wire::kChunkBytes + 17);
  const uint32_t id = sender_->offer(source("f.bin", data));
  EXPECT_EQ(id, 1u);
  Frame f = next();
  ASSERT_EQ(f.type, wire::kOffer);
  Offer offer;
  ASSERT_TRUE(decode_offer(f.payload, &offer));
  EXPECT_EQ(offer.id, 1u);
  EXPECT_EQ(offer.size, data.size());
  EXPECT_EQ(offer.name, "f.bin");
  // Not in a shared folder: no digest in the OFFER, it follows with DONE.
  EXPECT_EQ(offer.sha256, kDigestFollows);

  EXPECT_EQ(sender_->on_accept(1), SessionSender::Match::kDone);
  std::string got;
  int chunks = 0;
  for (;;) {
    f = next();
    if (f.type == wire::kDone) break;
    ASSERT_EQ(f.type, wire::kData);
    uint32_t data_id = 0;
    std::string_view bytes;
    ASSERT_TRUE(decode_data(f.payload, &data_id, &bytes));
    EXPECT_EQ(data_id, 1u);
    got.append(bytes);
    ++chunks;
  }
  const Sha256::Digest d = sha256(data);
  EXPECT_EQ(f.payload, encode_done(1, std::string(d.begin(), d.end())));
  EXPECT_EQ(chunks, 4);
  EXPECT_TRUE(got == data);
  sender_->stop();
  const std::string out = printed();
  EXPECT_NE(out.find("f.bin: bob accepted, sending\nf.bin: 0% "), std::string::npos) << out;
  EXPECT_NE(out.find("sent f.bin (196625 bytes)\n"), std::string::npos) << out;
  EXPECT_EQ(sender_->on_accept(1), SessionSender::Match::kStale);  // finished
  // A CANCEL after "sent": the receiver could not keep the file, and we say so once.
  EXPECT_EQ(sender_->on_cancel(1, "sha256 mismatch"), SessionSender::Match::kDone);
  EXPECT_NE(printed().find("f.bin: transfer failed: bob cancelled (sha256 mismatch)\n"),
            std::string::npos);
  EXPECT_EQ(sender_->on_cancel(1, "again"), SessionSender::Match::kStale);
}

TEST_F(SenderTest, EmptyFileIsJustDone) {
  sender_->offer(source("empty", ""));
  EXPECT_EQ(next().type, wire::kOffer);
  EXPECT_EQ(sender_->on_accept(1), SessionSender::Match::kDone);
  Frame f = next();
  EXPECT_EQ(f.type, wire::kDone);
  const Sha256::Digest d = sha256("");
  EXPECT_EQ(f.payload, encode_done(1, std::string(d.begin(), d.end())));
}

TEST_F(SenderTest, AnswersAreMatchedToOurIds) {
  // "a" cannot finish streaming while the test reads nothing, so it stays accepted below.
  EXPECT_EQ(sender_->offer(source("a", random_data(4u << 20))), 1u);
  EXPECT_EQ(sender_->offer(source("b", "b")), 3u);  // odd: the other side uses even ids
  EXPECT_EQ(sender_->on_accept(2), SessionSender::Match::kUnknown);
  EXPECT_EQ(sender_->on_accept(5), SessionSender::Match::kUnknown);  // not offered yet
  EXPECT_EQ(sender_->on_decline(3), SessionSender::Match::kDone);
  EXPECT_EQ(sender_->on_decline(3), SessionSender::Match::kStale);
  EXPECT_EQ(sender_->on_accept(1), SessionSender::Match::kDone);
  EXPECT_EQ(sender_->on_decline(1), SessionSender::Match::kUnknown);  // too late to decline
}

TEST_F(SenderTest, ChatOvertakesTheRestOfAFile) {
  const std::string data = random_data(4u << 20);  // far more than the socketpair buffers
  sender_->offer(source("big", data));
  EXPECT_EQ(next().type, wire::kOffer);
  sender_->on_accept(1);
  EXPECT_EQ(next().type, wire::kData);
  // We have read one chunk; the writer is stuck on full buffers with most of the file unsent.
  ASSERT_TRUE(sender_->queue(wire::kChat, "by the way"));
  size_t data_bytes = 0, at_chat = 0;
  bool chat = false;
  for (;;) {
    Frame f = next();
    if (f.type == wire::kDone) break;
    if (f.type == wire::kChat) {
      EXPECT_EQ(f.payload, "by the way");
      chat = true;
      at_chat = data_bytes;
    } else {
      data_bytes += f.payload.size() - 4;
    }
  }
  EXPECT_TRUE(chat);
  EXPECT_LT(at_chat, data.size() / 2);
}

TEST_F(SenderTest, PeerCancelStopsTheStream) {
  const std::string data = random_data(4u << 20);
  sender_->offer(source("big", data));
  EXPECT_EQ(next().type, wire::kOffer);
  sender_->on_accept(1);
  EXPECT_EQ(next().type, wire::kData);
  EXPECT_EQ(sender_->on_cancel(1, "disk full"), SessionSender::Match::kDone);
  ASSERT_TRUE(sender_->queue(wire::kChat, "marker"));
  // Whatever DATA was already under way may still come, then the marker, and never DONE.
  for (;;) {
    Frame f = next();
    ASSERT_NE(f.type, wire::kDone);
    if (f.type == wire::kChat) break;
  }
  sender_->stop();
  EXPECT_NE(printed().find("big: transfer failed: bob cancelled (disk full)\n"), std::string::npos);
  EXPECT_EQ(sender_->on_cancel(1, ""), SessionSender::Match::kStale);
}

TEST_F(SenderTest, StopBreaksAWriteStuckOnAPeerThatDoesNotRead) {
  sender_->offer(source("big", random_data(4u << 20)));
  EXPECT_EQ(next().type, wire::kOffer);
  sender_->on_accept(1);
  EXPECT_EQ(next().type, wire::kData);
  sender_->stop();  // returns although nobody reads
  sender_->fail_all("session ended");
  EXPECT_NE(printed().find("big: transfer failed: session ended\n"), std::string::npos);
  EXPECT_EQ(errors_.load(), 0);  // a failure caused by stop() is not reported
}

TEST_F(SenderTest, WriteErrorIsReportedOnce) {
  peer_.reset();
  ASSERT_TRUE(sender_->queue(wire::kChat, "anyone?"));
  std::future<std::string> reported = error_.get_future();
  ASSERT_EQ(reported.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(reported.get().empty());
  EXPECT_FALSE(sender_->queue(wire::kChat, "after"));
  sender_->stop();
  EXPECT_EQ(errors_.load(), 1);
}

}  // namespace
}  // namespace peerlink
