// Unit tests of the lobby's y/n questions: their wording and the oldest-first queue.
#include "client/lobby/questions.h"

#include <gtest/gtest.h>

#include <string>

namespace peerlink::lobby {
namespace {

using Clock = std::chrono::steady_clock;

Question chat(uint64_t id, const std::string& from) {
  Question q;
  q.kind = Question::Kind::kChat;
  q.id = id;
  q.from = from;
  return q;
}

Question offer(uint64_t id, const std::string& from, Clock::time_point expires) {
  Question q;
  q.kind = Question::Kind::kOffer;
  q.id = id;
  q.from = from;
  q.file = "report.pdf";
  q.size = 52344;
  q.sha256 = "9a0c1b2c3d4e" + std::string(52, 'f');
  q.expires = expires;
  return q;
}

TEST(ClientQuestions, Wording) {
  EXPECT_EQ(chat(1, "alice").text(), "alice wants to chat — accept? [y/n]");
  EXPECT_EQ(chat(1, "alice").prompt(), "accept alice? [y/n] ");
  const Question o = offer(2, "alice", Clock::now());
  EXPECT_EQ(o.text(), "alice offers report.pdf (52344 bytes, sha256 9a0c1b2c3d4e) — accept? [y/n]");
  EXPECT_EQ(o.summary(), "alice offers report.pdf (52344 bytes, sha256 9a0c1b2c3d4e)");
  EXPECT_EQ(o.prompt(), "accept report.pdf? [y/n] ");
}

TEST(ClientQuestions, OldestFirst) {
  QuestionQueue q;
  EXPECT_TRUE(q.push(chat(1, "carol")));  // the first one is asked at once
  EXPECT_FALSE(q.push(offer(2, "alice", Clock::now())));
  EXPECT_FALSE(q.push(chat(3, "dave")));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.pop_front().id, 1u);
  EXPECT_EQ(q.front().id, 2u);
}

TEST(ClientQuestions, RemovingSaysWhetherItWasBeingAsked) {
  QuestionQueue q;
  q.push(chat(1, "carol"));
  q.push(chat(2, "dave"));
  bool was_front = true;
  auto removed = q.remove_if([](const Question& x) { return x.id == 2; }, &was_front);
  ASSERT_TRUE(removed.has_value());
  EXPECT_FALSE(was_front);
  removed = q.remove_if([](const Question& x) { return x.id == 1; }, &was_front);
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(was_front);
  EXPECT_FALSE(q.remove_if([](const Question&) { return true; }, &was_front).has_value());
  EXPECT_TRUE(q.empty());
}

TEST(ClientQuestions, NextExpiryIsTheEarliestOffer) {
  QuestionQueue q;
  EXPECT_FALSE(q.next_expiry().has_value());
  const Clock::time_point t = Clock::now();
  q.push(chat(1, "carol"));  // chat requests expire on the broker's word, not here
  EXPECT_FALSE(q.next_expiry().has_value());
  q.push(offer(2, "alice", t + std::chrono::seconds(60)));
  q.push(offer(3, "bob", t + std::chrono::seconds(30)));
  ASSERT_TRUE(q.next_expiry().has_value());
  EXPECT_EQ(*q.next_expiry(), t + std::chrono::seconds(30));
}

}  // namespace
}  // namespace peerlink::lobby
