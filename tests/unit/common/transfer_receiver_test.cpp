// Unit tests of what a session peer can make the receiving side hold: offer floods, remembered ids.
#include "common/session/receiver.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "common/base/fd.h"
#include "common/crypto/sha256.h"
#include "common/noise/channel.h"
#include "common/noise/stream.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"
#include "tests/support/process.h"

namespace peerlink {
namespace {

std::string offer_payload(uint32_t id, const std::string& name = "f.txt", uint64_t size = 4) {
  Offer offer;
  offer.id = id;
  offer.size = size;
  const Sha256::Digest d = sha256("abcd");
  offer.sha256.assign(d.begin(), d.end());
  offer.name = name;
  return encode_offer(offer);
}

// A receiver whose replies go to a sender that is never started (they stay queued, or are
// refused once `close_sender()` queued the final frame), printing into a temporary file.
class ReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ours_.reset(sv[0]);
    theirs_.reset(sv[1]);
    out_ = std::tmpfile();
    ASSERT_NE(out_, nullptr);
    console_ = std::make_unique<Console>(fileno(out_), false, false);
    // The sender never runs, so its channel never needs a handshake.
    channel_ = std::make_unique<NoiseChannel>(
        ours_.get(),
        std::make_unique<NoiseStream>(NoiseRole::kInitiator, kPrologueSession, x25519_generate()));
    sender_ = std::make_unique<SessionSender>(channel_.get(), console_.get(), "alice", 2);
  }
  void TearDown() override {
    receiver_.reset();
    sender_.reset();
    std::fclose(out_);
  }

  void make_receiver(TransferReceiver::Limits limits = {}) {
    receiver_ = std::make_unique<TransferReceiver>(sender_.get(), console_.get(), "alice",
                                                   dir_.file("downloads"), limits);
  }
  // From now on nothing more is queued: the replies to a long flood cost no memory here.
  void close_sender() { sender_->queue_final(wire::kBye, "test"); }

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

  static size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
      ++n;
    return n;
  }

  testing::TempDir dir_;
  UniqueFd ours_, theirs_;
  std::unique_ptr<NoiseChannel> channel_;
  FILE* out_ = nullptr;
  std::unique_ptr<Console> console_;
  std::unique_ptr<SessionSender> sender_;
  std::unique_ptr<TransferReceiver> receiver_;
};

TEST_F(ReceiverTest, OffersBeyondTheOpenLimitAreDeclinedThenAFloodEndsTheSession) {
  make_receiver();
  uint32_t id = 1;
  for (size_t i = 0; i < TransferReceiver::kMaxOpenTransfers; ++i, id += 2)
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok());
  // 64 automatic declines are tolerated (a user typing /send in a hurry makes a few), and the
  // 65th is what passes the limit; the OFFER after it ends the session.
  for (int i = 0; i < 65; ++i, id += 2)
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok()) << i;
  EXPECT_EQ(receiver_->on_offer(offer_payload(id)).message(),
            "too many offers: more than 64 ended unanswered within 60 s");
  const std::string out = printed();
  EXPECT_EQ(count(out, "alice offers f.txt (4 bytes"), 16u);
  EXPECT_EQ(count(out, "alice offers f.txt: declined (too many transfers at once)"), 65u);
}

TEST_F(ReceiverTest, OfferAndCancelLoopIsAFloodToo) {
  make_receiver();
  uint32_t id = 1;
  for (int i = 0; i < 65; ++i, id += 2) {
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok()) << i;
    ASSERT_TRUE(receiver_->on_cancel(id, "changed my mind"));
  }
  EXPECT_FALSE(receiver_->offer_pending());
  EXPECT_EQ(receiver_->on_offer(offer_payload(id)).message(),
            "too many offers: more than 64 ended unanswered within 60 s");
}

TEST_F(ReceiverTest, OffersTheUserAnswersAreNoFlood) {
  make_receiver();
  uint32_t id = 1;
  for (int i = 0; i < 200; ++i, id += 2) {
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok()) << i;
    ASSERT_TRUE(receiver_->offer_pending());
    receiver_->answer_oldest(false);
  }
  EXPECT_EQ(count(printed(), "f.txt: declined"), 200u);
}

TEST_F(ReceiverTest, UnansweredOffersOutsideTheWindowDoNotCount) {
  TransferReceiver::Limits limits;
  limits.window = std::chrono::steady_clock::duration::zero();  // every one has expired at once
  make_receiver(limits);
  close_sender();
  uint32_t id = 1;
  for (int i = 0; i < 1000; ++i, id += 2) ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok());
}

TEST_F(ReceiverTest, OfferIdsMustIncrease) {
  make_receiver();
  ASSERT_TRUE(receiver_->on_offer(offer_payload(5)).ok());
  EXPECT_EQ(receiver_->on_offer(offer_payload(5)).message(), "OFFER reuses transfer id 5");
  EXPECT_EQ(receiver_->on_offer(offer_payload(3)).message(),
            "OFFER id 3 is not above the previous one (5)");
  EXPECT_TRUE(receiver_->on_offer(offer_payload(7)).ok());
}

// 3M offers held 145 MB before: every declined id stayed in a set. Now at most
// kMaxClosedRemembered ids are kept, and frames for older ones are still recognised as stale.
TEST_F(ReceiverTest, ClosedIdsAreBoundedAndOldOnesStayClosed) {
  TransferReceiver::Limits limits;
  limits.window = std::chrono::steady_clock::duration::zero();  // no flood limit
  make_receiver(limits);
  close_sender();
  uint32_t id = 1;
  for (size_t i = 0; i < TransferReceiver::kMaxOpenTransfers; ++i, id += 2)
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok());
  const uint32_t first_declined = id;
  // Warm up (the console, the allocator), then measure the heap over many more offers.
  for (int i = 0; i < 5000; ++i, id += 2) ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok());
  const size_t before = ::mallinfo2().uordblks;
  for (int i = 0; i < 200000; ++i, id += 2)
    ASSERT_TRUE(receiver_->on_offer(offer_payload(id)).ok());
  const size_t after = ::mallinfo2().uordblks;
  std::printf("heap growth over 200000 declined offers: %zd bytes\n",
              static_cast<ssize_t>(after) - static_cast<ssize_t>(before));
  EXPECT_LT(after, before + (256u << 10)) << "heap grew by " << (after - before) << " bytes";

  // Stale frames for the very first declined offer (long forgotten) are dropped, not errors;
  // an id never offered is still an error, and an old id cannot be offered again.
  EXPECT_TRUE(receiver_->on_data(encode_transfer_id(first_declined) + "xy").ok());
  EXPECT_TRUE(receiver_->on_done(encode_done(first_declined, kDigestFollows)).ok());
  EXPECT_TRUE(receiver_->on_cancel(first_declined, ""));
  EXPECT_EQ(receiver_->on_data(encode_transfer_id(id + 2) + "xy").message(),
            "DATA for unknown transfer " + std::to_string(id + 2));
  EXPECT_FALSE(receiver_->on_cancel(id + 2, ""));
  EXPECT_EQ(receiver_->on_offer(offer_payload(first_declined)).message(),
            "OFFER reuses transfer id " + std::to_string(first_declined));
  // The 16 open offers are untouched by all that.
  EXPECT_TRUE(receiver_->offer_pending());
  receiver_->answer_oldest(false);
  EXPECT_NE(printed().find("f.txt: declined\n"), std::string::npos);
}

// An accepted offer of "abcd" (id 1) with the digest in the OFFER, or following with DONE.
std::string abcd_digest() {
  const Sha256::Digest d = sha256("abcd");
  return std::string(d.begin(), d.end());
}

std::string abcd_offer(bool digest_known) {
  Offer offer;
  offer.id = 1;
  offer.size = 4;
  offer.sha256 = digest_known ? abcd_digest() : kDigestFollows;
  offer.name = "f.txt";
  return encode_offer(offer);
}

TEST_F(ReceiverTest, AnOfferWithoutDigestSaysItFollowsAndDoneCarriesIt) {
  make_receiver();
  ASSERT_TRUE(receiver_->on_offer(abcd_offer(false)).ok());
  EXPECT_NE(printed().find("alice offers f.txt (4 bytes, sha256 follows with the data) — accept?"),
            std::string::npos)
      << printed();
  receiver_->answer_oldest(true);
  ASSERT_TRUE(receiver_->on_data(encode_transfer_id(1) + "abcd").ok());
  ASSERT_TRUE(receiver_->on_done(encode_done(1, abcd_digest())).ok());
  receiver_->fail_all("session ended");  // waits for the commit
  EXPECT_NE(printed().find("received f.txt -> " + dir_.file("downloads") +
                           "/f.txt (4 bytes, sha256 verified)"),
            std::string::npos)
      << printed();
  EXPECT_EQ(testing::read_file(dir_.file("downloads") + "/f.txt"), std::string("abcd"));
}

TEST_F(ReceiverTest, ADoneDigestThatDoesNotMatchIsRefused) {
  for (const bool known : {false, true}) {
    SCOPED_TRACE(known ? "digest in the offer" : "digest with DONE");
    const std::string downloads = dir_.file(known ? "known" : "follows");
    receiver_ =
        std::make_unique<TransferReceiver>(sender_.get(), console_.get(), "alice", downloads);
    ASSERT_TRUE(receiver_->on_offer(abcd_offer(known)).ok());
    receiver_->answer_oldest(true);
    ASSERT_TRUE(receiver_->on_data(encode_transfer_id(1) + "abcd").ok());
    // The bytes match the OFFER's digest (if any), not DONE's: the sender says it sent others.
    const Sha256::Digest other = sha256("abce");
    ASSERT_TRUE(receiver_->on_done(encode_done(1, std::string(other.begin(), other.end()))).ok());
    receiver_->fail_all("session ended");
    EXPECT_NE(printed().find("f.txt: transfer failed: sha256 mismatch"), std::string::npos)
        << printed();
    EXPECT_TRUE(std::filesystem::is_empty(downloads));
  }
}

TEST_F(ReceiverTest, DoneWithAShortDigestIsAProtocolError) {
  make_receiver();
  ASSERT_TRUE(receiver_->on_offer(abcd_offer(false)).ok());
  receiver_->answer_oldest(true);
  ASSERT_TRUE(receiver_->on_data(encode_transfer_id(1) + "abcd").ok());
  EXPECT_EQ(receiver_->on_done(encode_transfer_id(1)).message(), "bad DONE payload");
  EXPECT_EQ(receiver_->on_done(encode_transfer_id(1) + abcd_digest().substr(0, 31)).message(),
            "bad DONE payload");
  ASSERT_TRUE(receiver_->on_done(encode_done(1, abcd_digest())).ok());
  // After DONE the file is the commit's: more DATA or a second DONE is a protocol error.
  const Result more = receiver_->on_data(encode_transfer_id(1) + "x");
  EXPECT_TRUE(more.ok() || more.message() == "DATA after DONE for transfer 1") << more.message();
  receiver_->fail_all("session ended");
}

}  // namespace
}  // namespace peerlink
