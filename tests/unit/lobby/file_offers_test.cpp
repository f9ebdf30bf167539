// Unit tests of the offers made to us: asked as questions, and forgotten when they expire, are
// withdrawn by the broker, or their sender leaves. No broker: the link was never connected, the
// shared folder and the downloads are idle, and the console writes to a pipe.
#include "client/lobby/file_offers.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/wire/broker_limits.h"
#include "common/wire/broker_words.h"
#include "tests/unit/lobby/offline_lobby.h"

namespace peerlink::lobby {
namespace {

using Clock = std::chrono::steady_clock;

BrokerEvent offer(uint64_t id, const std::string& from, const std::string& file) {
  BrokerEvent e;
  e.type = BrokerEvent::Type::kOffer;
  e.id = id;
  e.user = from;
  e.file = file;
  e.size = 5;
  e.sha256 = std::string(64, 'c');
  return e;
}

class FileOffersTest : public OfflineLobbyTest {
 protected:
  void SetUp() override {
    OfflineLobbyTest::SetUp();
    if (HasFatalFailure()) return;
    directory_ = std::make_unique<Directory>(console_.get(), link_.get(), "alice");
    prompts_ = std::make_unique<Prompts>(console_.get(), link_.get(), "alice");
    shared_ = std::make_unique<SharedFolder>(console_.get(), link_.get(), options_, UniqueFd(),
                                             std::string(64, '0'), identity_);
    downloads_ = std::make_unique<DownloadManager>(console_.get(), link_.get(), directory_.get(),
                                                   options_, identity_);
    offers_ =
        std::make_unique<FileOffers>(console_.get(), link_.get(), prompts_.get(), directory_.get(),
                                     shared_.get(), downloads_.get(), options_);
  }
  // The offer as asked, when it is the front question.
  static std::string asked(const BrokerEvent& e) {
    Question q;
    q.kind = Question::Kind::kOffer;
    q.from = e.user;
    q.file = e.file;
    q.size = e.size;
    q.sha256 = e.sha256;
    return q.text() + "\n";
  }

  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Prompts> prompts_;
  std::unique_ptr<SharedFolder> shared_;
  std::unique_ptr<DownloadManager> downloads_;
  X25519KeyPair identity_ = x25519_generate();
  std::unique_ptr<FileOffers> offers_;
};

TEST_F(FileOffersTest, AnOfferExpiresWhenTheBrokerGivesUpOnIt) {
  const Clock::time_point before = Clock::now();
  offers_->handle_event(offer(1, "bob", "a.txt"));
  const Clock::time_point after = Clock::now();
  EXPECT_EQ(printed(), asked(offer(1, "bob", "a.txt")));
  std::optional<Clock::time_point> expiry = prompts_->next_expiry();
  ASSERT_TRUE(expiry.has_value());
  EXPECT_GE(*expiry, before + wire::kOfferTimeout);
  EXPECT_LE(*expiry, after + wire::kOfferTimeout);

  offers_->expire(before);  // not yet
  EXPECT_EQ(printed(), "");
  EXPECT_TRUE(prompts_->has_questions());

  offers_->expire(after + wire::kOfferTimeout);
  EXPECT_EQ(printed(), "the offer of a.txt from bob timed out\n");
  EXPECT_FALSE(prompts_->has_questions());
}

TEST_F(FileOffersTest, TheNextQuestionIsAskedWhenTheOneAskedExpires) {
  offers_->handle_event(offer(1, "bob", "a.txt"));
  const Clock::time_point first = *prompts_->next_expiry();
  Question chat;
  chat.kind = Question::Kind::kChat;
  chat.id = 9;
  chat.from = "carol";
  prompts_->add(chat);
  (void)printed();

  offers_->expire(first);
  EXPECT_EQ(printed(), "the offer of a.txt from bob timed out\n" + chat.text() + "\n");
  EXPECT_TRUE(prompts_->has_questions()) << "the chat request does not expire here";
  EXPECT_FALSE(prompts_->next_expiry().has_value());
}

TEST_F(FileOffersTest, WithdrawnByTheBrokerOrByTheSenderLeaving) {
  offers_->handle_event(offer(1, "bob", "a.txt"));
  offers_->handle_event(offer(2, "carol", "b.txt"));
  offers_->handle_event(offer(3, "bob", "c.txt"));
  (void)printed();

  BrokerEvent cancelled;
  cancelled.type = BrokerEvent::Type::kOfferCancelled;
  cancelled.id = 2;
  cancelled.user = "carol";
  cancelled.reason = std::string(wire::outcome::kGone);
  offers_->handle_event(cancelled);
  EXPECT_EQ(printed(), "the offer of b.txt from carol was withdrawn (carol left)\n");
  offers_->handle_event(cancelled);  // already gone: nothing to say
  EXPECT_EQ(printed(), "");

  offers_->withdraw_from("bob");
  EXPECT_EQ(printed(), "offer of a.txt from bob withdrawn (bob left)\n" +
                           asked(offer(3, "bob", "c.txt")) +
                           "offer of c.txt from bob withdrawn (bob left)\n");
  EXPECT_FALSE(prompts_->has_questions());
}

}  // namespace
}  // namespace peerlink::lobby
