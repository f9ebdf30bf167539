// Unit tests of the lobby's questions and prompt: asking, queueing, answering the oldest first,
// withdrawing, and the argument of a command typed alone. No broker: the link was never
// connected (so not online, not reconnecting) and the console writes to a pipe.
#include "client/lobby/prompts.h"
#include "tests/unit/lobby/offline_lobby.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace peerlink::lobby {
namespace {

Question chat_from(const std::string& user, uint64_t id) {
  Question q;
  q.kind = Question::Kind::kChat;
  q.id = id;
  q.from = user;
  return q;
}

Question offer_from(const std::string& user, uint64_t id, const std::string& file) {
  Question q;
  q.kind = Question::Kind::kOffer;
  q.id = id;
  q.from = user;
  q.file = file;
  q.size = 7;
  q.sha256 = std::string(64, 'b');
  return q;
}

class PromptsTest : public OfflineLobbyTest {
 protected:
  void SetUp() override {
    OfflineLobbyTest::SetUp();
    if (HasFatalFailure()) return;
    prompts_ = std::make_unique<Prompts>(console_.get(), link_.get(), "alice");
    prompts_->set_answerers(
        [this](const Question& q, bool yes) { answers_.push_back("chat " + q.from + yn(yes)); },
        [this](const Question& q, bool yes) { answers_.push_back("offer " + q.file + yn(yes)); });
  }
  static std::string yn(bool yes) { return yes ? " y" : " n"; }
  std::string prompt() {
    prompts_->update();
    return console_->prompt();
  }

  std::unique_ptr<Prompts> prompts_;
  std::vector<std::string> answers_;
};

TEST_F(PromptsTest, TheFirstQuestionIsAskedTheNextOnesQueued) {
  EXPECT_EQ(prompt(), "alice> ");
  const Question bob = chat_from("bob", 1);
  const Question carol = offer_from("carol", 2, "a.txt");
  prompts_->add(bob);
  EXPECT_EQ(printed(), bob.text() + "\n");
  prompts_->add(carol);
  EXPECT_EQ(printed(), carol.summary() + " — queued: y/n answers the oldest question first\n");
  EXPECT_EQ(prompt(), bob.prompt()) << "the oldest is the one asked";
  EXPECT_TRUE(prompts_->has_questions());
}

TEST_F(PromptsTest, AnswersGoOldestFirstToTheirKind) {
  prompts_->add(chat_from("bob", 1));
  prompts_->add(offer_from("carol", 2, "a.txt"));
  (void)printed();
  prompts_->answer(true);
  prompts_->answer(false);
  EXPECT_EQ(answers_, (std::vector<std::string>{"chat bob y", "offer a.txt n"}));
  // Offline (never connected): the next question is not asked after an answer.
  EXPECT_EQ(printed(), "");
  EXPECT_FALSE(prompts_->has_questions());
  EXPECT_EQ(prompt(), "alice> ");

  prompts_->answer(true);
  EXPECT_EQ(printed(), "no request to answer\n");
  EXPECT_EQ(answers_.size(), 2u);
}

TEST_F(PromptsTest, RemovingSaysWhetherItWasTheOneAsked) {
  const Question carol = offer_from("carol", 2, "a.txt");
  prompts_->add(chat_from("bob", 1));
  prompts_->add(carol);
  (void)printed();
  bool was_front = true;
  std::optional<Question> q = prompts_->remove_if(
      [](const Question& x) { return x.kind == Question::Kind::kOffer; }, &was_front);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->from, "carol");
  EXPECT_FALSE(was_front);
  q = prompts_->remove_if([](const Question& x) { return x.from == "bob"; }, &was_front);
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE(was_front);
  EXPECT_FALSE(prompts_->has_questions());

  prompts_->add(carol);
  prompts_->clear();
  EXPECT_FALSE(prompts_->has_questions());
  prompts_->ask_next();  // nothing left to ask
  EXPECT_EQ(printed(), carol.text() + "\n");
}

TEST_F(PromptsTest, ACommandTypedAloneWaitsForItsArgument) {
  EXPECT_FALSE(prompts_->awaiting_argument());
  prompts_->ask_argument(LobbyCommandKind::kInfo);
  EXPECT_EQ(printed(), std::string(argument_question(LobbyCommandKind::kInfo)) + "\n");
  EXPECT_TRUE(prompts_->awaiting_argument());
  // The argument's prompt wins over a question's.
  prompts_->add(chat_from("bob", 1));
  EXPECT_EQ(prompt(), argument_prompt(LobbyCommandKind::kInfo));
  EXPECT_EQ(prompts_->take_awaited(), LobbyCommandKind::kInfo);
  EXPECT_FALSE(prompts_->awaiting_argument());
  EXPECT_EQ(prompts_->take_awaited(), LobbyCommandKind::kEmpty);
  EXPECT_EQ(prompt(), chat_from("bob", 1).prompt());
}

}  // namespace
}  // namespace peerlink::lobby
