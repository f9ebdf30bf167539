// Unit tests of what a session peer can make the receiving side hold: offer floods, remembered ids.
#include "common/session/receiver.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
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
  EXPECT_TRUE(receiver_->on_done(encode_transfer_id(first_declined)).ok());
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

}  // namespace
}  // namespace peerlink
