// Integration tests of the broker: the real `_s` on port 0, driven over loopback sockets the way
// `_c` (or a person with nc) drives it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <ctime>
#include <memory>
#include <set>
#include <vector>

#include "common/crypto/ticket.h"
#include "common/net/net.h"
#include "common/wire/line_codec.h"
#include "tests/support/line_client.h"
#include "tests/support/process.h"

namespace peerlink::testing {
namespace {

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

class BrokerTest : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    // Teaching mode: these tests drive the line protocol in plaintext, as a person with nc does.
    broker_ = start_plaintext_broker(dir_.path(), extra);
    ASSERT_NE(broker_.port, 0) << (broker_.proc ? broker_.proc->output() : "no process");
  }
  void SetUp() override { start(); }
  std::unique_ptr<LineClient> client(const std::string& name) {
    auto c = std::make_unique<LineClient>(broker_.port);
    EXPECT_TRUE(c->ok());
    if (!name.empty()) {
      EXPECT_TRUE(c->hello_register(name)) << name;
    }
    return c;
  }
  TempDir dir_;
  BrokerProcess broker_;
};

class BrokerOptionsTest : public BrokerTest {
 protected:
  void SetUp() override {}
};

TEST_F(BrokerTest, HelloAndRegisterEchoNameAndObservedIp) {
  LineClient c(broker_.port);
  ASSERT_TRUE(c.ok());
  auto hello = c.request("HELLO 1.0");
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_EQ(hello[0].rfind("OK HELLO 1.0 ", 0), 0u) << hello[0];
  auto reg = c.request("REGISTER alice 40001 " + kTestKey);
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0], "OK REGISTERED alice 127.0.0.1");
}

TEST_F(BrokerTest, WrongMajorVersionIsRefusedAndClosed) {
  LineClient c(broker_.port);
  auto r = c.request("HELLO 2.0");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].rfind("ERR 426 ", 0), 0u) << r[0];
  EXPECT_NE(r[0].find("speaks 1.x"), std::string::npos);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(BrokerTest, CommandsBeforeHelloOrRegisterAreRefused) {
  LineClient c(broker_.port);
  EXPECT_EQ(c.request("USERS")[0].rfind("ERR 401", 0), 0u);
  c.request("HELLO 1.0");
  EXPECT_EQ(c.request("USERS")[0].rfind("ERR 401", 0), 0u);
  EXPECT_EQ(c.request("PING")[0], "OK PONG");
}

TEST_F(BrokerTest, DuplicateNameIsRefusedThenAnotherNameWorks) {
  auto a = client("alice");
  LineClient b(broker_.port);
  b.request("HELLO 1.0");
  auto r = b.request("REGISTER alice 40002 " + kTestKey);
  EXPECT_EQ(r[0], "ERR 409 name taken");
  r = b.request("REGISTER bob 40002 " + kTestKey);
  EXPECT_EQ(r[0], "OK REGISTERED bob 127.0.0.1");
}

TEST_F(BrokerTest, BadRegistrationsAreRefused) {
  LineClient c(broker_.port);
  c.request("HELLO 1.0");
  EXPECT_EQ(c.request("REGISTER -bad 40000 " + kTestKey)[0].rfind("ERR 400 bad name", 0), 0u);
  EXPECT_EQ(c.request("REGISTER " + std::string(33, 'x') + " 1 " + kTestKey)[0].rfind("ERR 400", 0),
            0u);
  EXPECT_EQ(c.request("REGISTER ok 0 " + kTestKey)[0], "ERR 400 bad port");
  EXPECT_EQ(c.request("REGISTER ok 70000 " + kTestKey)[0], "ERR 400 bad port");
  EXPECT_EQ(c.request("REGISTER ok 1 xyz")[0].rfind("ERR 400 bad ticket key", 0), 0u);
  EXPECT_EQ(c.request("REGISTER ok 1")[0].rfind("ERR 400 usage", 0), 0u);
  EXPECT_EQ(c.request("REGISTER ok 1 " + kTestKey)[0], "OK REGISTERED ok 127.0.0.1");
  EXPECT_EQ(c.request("REGISTER ok2 1 " + kTestKey)[0].rfind("ERR 409 already registered", 0), 0u);
}

TEST_F(BrokerTest, UsersAndInfo) {
  auto a = client("alice");
  LineClient b(broker_.port);
  ASSERT_TRUE(b.hello_register("bob", 40002));
  auto users = a->request("USERS", true);
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0], "OK USERS 2");
  EXPECT_EQ(users[1], "USER alice 127.0.0.1 40000 0");
  EXPECT_EQ(users[2], "USER bob 127.0.0.1 40002 0");
  EXPECT_EQ(a->request("INFO bob")[0], "OK INFO bob 127.0.0.1 40002");
  EXPECT_EQ(a->request("INFO nobody")[0], "ERR 404 no such user");
}

TEST_F(BrokerTest, JoinAndLeaveEventsReachTheOthers) {
  auto a = client("alice");
  auto b = client("bob");
  auto join = a->event("EVENT JOIN");
  ASSERT_TRUE(join);
  EXPECT_EQ(*join, "EVENT JOIN bob 127.0.0.1 40000");
  EXPECT_EQ(b->request("BYE")[0], "OK BYE");
  auto leave = a->event("EVENT LEAVE");
  ASSERT_TRUE(leave);
  EXPECT_EQ(*leave, "EVENT LEAVE bob");
  EXPECT_EQ(a->request("USERS", true).size(), 2u);
}

// A registration and its first announcement in one go reach the others as one merged line,
// and the user is not told of its own changes (docs/PROTOCOL.md, "Batches").
TEST_F(BrokerTest, JoinMergedWithTheFirstSharesIsOneEvent) {
  auto a = client("alice");
  LineClient b(broker_.port);
  ASSERT_TRUE(b.send_raw("HELLO 1.0\nREGISTER bob 40002 " + kTestKey + "\nANNOUNCE 2\nFILE x 1 " +
                         kHashA + "\nFILE y 2 " + kHashB + "\n"));
  EXPECT_EQ(b.reply().value_or("").rfind("OK HELLO", 0), 0u);
  EXPECT_EQ(b.reply().value_or(""), "OK REGISTERED bob 127.0.0.1");
  EXPECT_EQ(b.reply().value_or(""), "OK ANNOUNCED 2");
  auto join = a->event("EVENT JOIN");
  ASSERT_TRUE(join);
  EXPECT_EQ(*join, "EVENT JOIN bob 127.0.0.1 40002 2");
  // bob hears alice's next change, and nothing of his own.
  ASSERT_TRUE(a->send("ANNOUNCE 0"));
  ASSERT_TRUE(a->reply());
  auto next = b.next_line();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "EVENT SHARES alice 0");
}

// From 256 users on, directory events go out in batches every ~100 ms, a batch of more than 32
// lines as one EVENT CHANGES summary: every JOIN and LEAVE still reaches an observer, listed or
// counted, each once.
TEST_F(BrokerTest, BatchedEventsAtManyUsersCarryEveryJoinAndLeave) {
  auto observer = client("observer");
  const int kUsers = 300;
  std::vector<std::unique_ptr<LineClient>> cs;
  for (int i = 0; i < kUsers; ++i) cs.push_back(client("m" + std::to_string(i)));
  size_t summaries = 0;
  // Field 1 of "EVENT CHANGES j l b s" for `column` (JOIN: 0, LEAVE: 1); listed lines count one.
  auto collect = [&](const std::string& word, size_t column) {
    std::set<std::string> listed;
    uint64_t counted = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (listed.size() + counted < static_cast<size_t>(kUsers) &&
           std::chrono::steady_clock::now() < deadline) {
      auto line = observer->next_line(std::chrono::milliseconds(2000));
      if (!line) continue;
      auto f = split_fields(*line);
      if (f.size() == 6 && f[1] == "CHANGES") {
        ++summaries;
        counted += std::stoull(std::string(f[2 + column]));
      } else if (f.size() >= 3 && f[1] == word) {
        EXPECT_TRUE(listed.insert(std::string(f[2])).second) << "twice: " << *line;
      }
    }
    return listed.size() + counted;
  };
  EXPECT_EQ(collect("JOIN", 0), static_cast<size_t>(kUsers));
  cs.clear();  // all leave
  EXPECT_EQ(collect("LEAVE", 1), static_cast<size_t>(kUsers));
  std::printf("%zu summaries\n", summaries);
  EXPECT_EQ(observer->request("USERS", true).size(), 2u);
}

TEST_F(BrokerTest, KilledClientIsRemovedAndOthersAreTold) {
  auto a = client("alice");
  auto b = client("bob");
  ASSERT_TRUE(a->event("EVENT JOIN bob"));
  // An abortive close (RST), as when a process is killed mid-stream.
  linger lg{1, 0};
  ::setsockopt(b->fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  b->close();
  ASSERT_TRUE(a->event("EVENT LEAVE bob"));
  auto users = a->request("USERS", true);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1], "USER alice 127.0.0.1 40000 0");
  // The name is free again.
  auto b2 = client("bob");
}

TEST_F(BrokerTest, AnnounceListSearchWhoHas) {
  auto a = client("alice");
  auto b = client("bob");
  ASSERT_TRUE(a->send("ANNOUNCE 2"));
  ASSERT_TRUE(a->send("FILE my%20song.ogg 4000 " + kHashA));
  auto r = a->request("FILE notes.txt 12 " + kHashB);
  EXPECT_EQ(r[0], "OK ANNOUNCED 2");
  auto shares = b->event("EVENT SHARES");
  ASSERT_TRUE(shares);
  EXPECT_EQ(*shares, "EVENT SHARES alice 2");

  auto all = b->request("FILES", true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "OK FILES 2");
  EXPECT_EQ(all[1], "FILE alice my%20song.ogg 4000 " + kHashA);
  EXPECT_EQ(all[2], "FILE alice notes.txt 12 " + kHashB);
  EXPECT_EQ(b->request("FILES alice", true).size(), 3u);
  EXPECT_EQ(b->request("FILES bob", true), std::vector<std::string>{"OK FILES 0"});
  EXPECT_EQ(b->request("FILES nobody")[0], "ERR 404 no such user");

  auto found = b->request("SEARCH SONG", true);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1], "FILE alice my%20song.ogg 4000 " + kHashA);
  EXPECT_EQ(b->request("SEARCH zzz", true), std::vector<std::string>{"OK FILES 0"});

  for (const std::string& key : {std::string("my%20song.ogg"), kHashA}) {
    auto who = b->request("WHOHAS " + key, true);
    ASSERT_EQ(who.size(), 2u) << key;
    EXPECT_EQ(who[0], "OK WHOHAS 1");
    auto fields = split_fields(who[1]);
    ASSERT_EQ(fields.size(), 9u);
    EXPECT_EQ(fields[0], "OWNER");
    EXPECT_EQ(fields[1], "alice");
    EXPECT_EQ(fields[2], "127.0.0.1");
    EXPECT_EQ(fields[3], "40000");
    EXPECT_EQ(fields[4], "my%20song.ogg");
    EXPECT_EQ(fields[6], kHashA);
    EXPECT_EQ(fields[7], "-");  // plaintext clients that gave no key have none
    // The ticket verifies with alice's key for (alice, file, bob, bob's key "-"), and for nobody
    // else.
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::string ticket(fields[8]);
    EXPECT_EQ(verify_ticket(kTestKey, "alice", "my song.ogg", "bob", "-", ticket, now),
              TicketCheck::kOk);
    EXPECT_EQ(verify_ticket(kTestKey, "alice", "my song.ogg", "carol", "-", ticket, now),
              TicketCheck::kForged);
    EXPECT_EQ(verify_ticket(kTestKey, "alice", "my song.ogg", "bob", "-", ticket, now + 3600),
              TicketCheck::kExpired);
  }
  // Your own files are not offered back to you.
  EXPECT_EQ(a->request("WHOHAS notes.txt", true), std::vector<std::string>{"OK WHOHAS 0"});
}

TEST_F(BrokerTest, SameNameDifferentContentIsToldApart) {
  auto a = client("alice");
  auto b = client("bob");
  auto c = client("carol");
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE report.pdf 10 " + kHashA)[0], "OK ANNOUNCED 1");
  ASSERT_TRUE(b->send("ANNOUNCE 1"));
  EXPECT_EQ(b->request("FILE report.pdf 20 " + kHashB)[0], "OK ANNOUNCED 1");
  EXPECT_EQ(c->request("WHOHAS report.pdf", true).size(), 3u);
  auto by_hash = c->request("WHOHAS " + kHashB, true);
  ASSERT_EQ(by_hash.size(), 2u);
  EXPECT_EQ(by_hash[1].rfind("OWNER bob ", 0), 0u);
}

// A file many own: WHOHAS answers a bounded sample (16) with valid tickets, rotating so every
// owner comes up, and a named owner first (docs/PROTOCOL.md, WHOHAS).
TEST_F(BrokerTest, WhoHasWithManyOwnersGivesTheBoundRotatingWithValidTickets) {
  const int kOwners = 40;
  std::vector<std::unique_ptr<LineClient>> owners;
  for (int i = 0; i < kOwners; ++i) {
    owners.push_back(client("own" + std::to_string(i)));
    ASSERT_TRUE(owners.back()->send("ANNOUNCE 1"));
    EXPECT_EQ(owners.back()->request("FILE pop.iso 7 " + kHashA)[0], "OK ANNOUNCED 1");
  }
  auto d = client("dave");
  std::set<std::string> seen;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (int round = 0; round < 5; ++round) {
    auto who = d->request(round % 2 == 0 ? "WHOHAS pop.iso" : "WHOHAS " + kHashA, true);
    ASSERT_EQ(who.size(), 17u);
    EXPECT_EQ(who[0], "OK WHOHAS 16");
    std::set<std::string> in_reply;
    for (size_t i = 1; i < who.size(); ++i) {
      auto fields = split_fields(who[i]);
      ASSERT_EQ(fields.size(), 9u) << who[i];
      std::string owner(fields[1]);
      in_reply.insert(owner);
      seen.insert(owner);
      EXPECT_EQ(verify_ticket(kTestKey, owner, "pop.iso", "dave", "-", std::string(fields[8]), now),
                TicketCheck::kOk)
          << who[i];
    }
    EXPECT_EQ(in_reply.size(), 16u);  // 16 different owners
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kOwners));  // 5 x 16 = 80: every owner came up
  // A named owner comes first (any case), then the sample without it: 16 in all.
  for (int round = 0; round < 3; ++round) {
    auto who = d->request("WHOHAS pop.iso OWN33", true);
    ASSERT_EQ(who.size(), 17u);
    EXPECT_EQ(who[1].rfind("OWNER own33 ", 0), 0u) << who[1];
    for (size_t i = 2; i < who.size(); ++i) EXPECT_EQ(who[i].find("own33 "), std::string::npos);
  }
  // A named user that does not share it, or is not there: just the sample.
  EXPECT_EQ(d->request("WHOHAS pop.iso nobody", true).size(), 17u);
  auto mine = owners[0]->request("WHOHAS pop.iso own0", true);
  ASSERT_EQ(mine.size(), 17u);  // never yourself
  for (const std::string& line : mine) EXPECT_EQ(line.find("own0 "), std::string::npos);
}

TEST_F(BrokerTest, BadAnnouncementKeepsThePreviousSet) {
  auto a = client("alice");
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE good.txt 1 " + kHashA)[0], "OK ANNOUNCED 1");
  ASSERT_TRUE(a->send("ANNOUNCE 3"));
  ASSERT_TRUE(a->send("FILE x.txt 1 " + kHashA));
  ASSERT_TRUE(a->send("FILE ..%2F..%2Fetc%2Fpasswd 1 " + kHashA));
  auto r = a->request("FILE y.txt 1 " + kHashA);
  EXPECT_EQ(r[0].rfind("ERR 400 bad file name", 0), 0u) << r[0];
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE z.txt notanumber " + kHashA)[0].rfind("ERR 400 bad FILE line", 0), 0u);
  auto files = a->request("FILES alice", true);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1], "FILE alice good.txt 1 " + kHashA);
}

TEST_F(BrokerTest, ChatRequestAcceptedGivesBothTheSameToken) {
  auto a = client("alice");
  auto b = client("bob");
  auto r = a->request("CHAT bob");
  ASSERT_EQ(r[0].rfind("OK CHAT ", 0), 0u);
  std::string id = r[0].substr(8);
  auto req = b->event("EVENT CHAT_REQUEST");
  ASSERT_TRUE(req);
  EXPECT_EQ(*req, "EVENT CHAT_REQUEST " + id + " alice");
  auto acc = b->request("ACCEPT " + id + " 45678");
  ASSERT_EQ(acc[0].rfind("OK ACCEPT " + id + " ", 0), 0u);
  std::string token(split_fields(acc[0])[3]);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(acc[0], "OK ACCEPT " + id + " " + token + " -");  // alice gave no key
  auto ev = a->event("EVENT CHAT_ACCEPTED");
  ASSERT_TRUE(ev);
  EXPECT_EQ(*ev, "EVENT CHAT_ACCEPTED " + id + " bob 127.0.0.1 45678 " + token + " -");
  // One-time: a second answer finds nothing.
  EXPECT_EQ(b->request("ACCEPT " + id + " 45678")[0], "ERR 404 no such request");
  // The token does not reach the log.
  auto log = read_file(dir_.file("server.log"));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->find(token), std::string::npos);
}

TEST_F(BrokerTest, ChatRequestDeclined) {
  auto a = client("alice");
  auto b = client("bob");
  std::string id = a->request("CHAT bob")[0].substr(8);
  ASSERT_TRUE(b->event("EVENT CHAT_REQUEST " + id));
  EXPECT_EQ(b->request("DECLINE " + id)[0], "OK DECLINE " + id);
  auto ev = a->event("EVENT CHAT_DECLINED");
  ASSERT_TRUE(ev);
  EXPECT_EQ(*ev, "EVENT CHAT_DECLINED " + id + " bob declined");
  // A new request is possible after the answer.
  EXPECT_EQ(a->request("CHAT bob")[0].rfind("OK CHAT ", 0), 0u);
}

TEST_F(BrokerTest, ChatRequestErrors) {
  auto a = client("alice");
  auto b = client("bob");
  EXPECT_EQ(a->request("CHAT nobody")[0], "ERR 404 no such user");
  EXPECT_EQ(a->request("CHAT alice")[0], "ERR 400 cannot chat with yourself");
  std::string id = a->request("CHAT bob")[0].substr(8);
  EXPECT_EQ(a->request("CHAT bob")[0], "ERR 409 request already pending");
  // Only the target may answer.
  EXPECT_EQ(a->request("ACCEPT " + id + " 1000")[0], "ERR 404 no such request");
  EXPECT_EQ(b->request("ACCEPT 999999 1000")[0], "ERR 404 no such request");
  EXPECT_EQ(b->request("ACCEPT " + id + " 0")[0].rfind("ERR 400", 0), 0u);
}

TEST_F(BrokerTest, TargetLeavingAnswersThePendingRequest) {
  auto a = client("alice");
  auto b = client("bob");
  std::string id = a->request("CHAT bob")[0].substr(8);
  ASSERT_TRUE(b->event("EVENT CHAT_REQUEST"));
  b->close();
  auto ev = a->event("EVENT CHAT_DECLINED");
  ASSERT_TRUE(ev);
  EXPECT_EQ(*ev, "EVENT CHAT_DECLINED " + id + " bob gone");
}

TEST_F(BrokerTest, RequesterLeavingCancelsTheRequest) {
  auto a = client("alice");
  auto b = client("bob");
  std::string id = a->request("CHAT bob")[0].substr(8);
  ASSERT_TRUE(b->event("EVENT CHAT_REQUEST"));
  a->close();
  auto ev = b->event("EVENT CHAT_CANCELLED");
  ASSERT_TRUE(ev);
  EXPECT_EQ(*ev, "EVENT CHAT_CANCELLED " + id + " alice gone");
  EXPECT_EQ(b->request("ACCEPT " + id + " 1000")[0], "ERR 404 no such request");
}

TEST_F(BrokerOptionsTest, ChatRequestTimesOut) {
  start({"--request-timeout", "1"});
  auto a = client("alice");
  auto b = client("bob");
  std::string id = a->request("CHAT bob")[0].substr(8);
  auto declined = a->event("EVENT CHAT_DECLINED", std::chrono::seconds(5));
  ASSERT_TRUE(declined);
  EXPECT_EQ(*declined, "EVENT CHAT_DECLINED " + id + " bob timeout");
  auto cancelled = b->event("EVENT CHAT_CANCELLED", std::chrono::seconds(5));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(*cancelled, "EVENT CHAT_CANCELLED " + id + " alice timeout");
  EXPECT_EQ(b->request("ACCEPT " + id + " 1000")[0], "ERR 404 no such request");
}

TEST_F(BrokerTest, OfferToTwoUsersOneAcceptsOneDeclines) {
  auto a = client("alice");
  auto b = client("bob");
  auto c = client("carol");
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE report.pdf 52344 " + kHashA)[0], "OK ANNOUNCED 1");
  EXPECT_EQ(a->request("OFFER other.pdf 1 " + kHashA + " bob")[0].rfind("ERR 404 not shared", 0),
            0u);
  EXPECT_EQ(a->request("OFFER report.pdf 52344 " + kHashA + " bob nobody")[0],
            "ERR 404 no such user nobody");
  auto r = a->request("OFFER report.pdf 52344 " + kHashA + " bob carol");
  ASSERT_EQ(r[0].rfind("OK OFFER ", 0), 0u);
  std::string id(split_fields(r[0])[2]);
  EXPECT_EQ(r[0], "OK OFFER " + id + " 2");
  std::string expect_event = "EVENT OFFER " + id + " alice report.pdf 52344 " + kHashA;
  EXPECT_EQ(b->event("EVENT OFFER").value_or(""), expect_event);
  EXPECT_EQ(c->event("EVENT OFFER").value_or(""), expect_event);
  auto acc = b->request("OFFER_ACCEPT " + id);
  auto f = split_fields(acc[0]);
  ASSERT_EQ(f.size(), 11u) << acc[0];
  EXPECT_EQ(f[3], "alice");
  EXPECT_EQ(f[4], "127.0.0.1");
  EXPECT_EQ(f[6], "report.pdf");
  EXPECT_EQ(f[9], "-");
  EXPECT_EQ(verify_ticket(kTestKey, "alice", "report.pdf", "bob", "-", std::string(f[10]),
                          static_cast<int64_t>(std::time(nullptr))),
            TicketCheck::kOk);
  EXPECT_EQ(c->request("OFFER_DECLINE " + id)[0], "OK OFFER_DECLINE " + id);
  EXPECT_EQ(a->event("EVENT OFFER_ANSWER").value_or(""),
            "EVENT OFFER_ANSWER " + id + " bob accepted");
  EXPECT_EQ(a->event("EVENT OFFER_ANSWER").value_or(""),
            "EVENT OFFER_ANSWER " + id + " carol declined");
  EXPECT_EQ(b->request("OFFER_ACCEPT " + id)[0], "ERR 404 no such request");
}

TEST_F(BrokerTest, SenderLeavingCancelsTheOfferForItsReceivers) {
  auto a = client("alice");
  auto b = client("bob");
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE report.pdf 1 " + kHashA)[0], "OK ANNOUNCED 1");
  std::string id(split_fields(a->request("OFFER report.pdf 1 " + kHashA + " bob")[0])[2]);
  ASSERT_TRUE(b->event("EVENT OFFER " + id));
  a->close();
  EXPECT_EQ(b->event("EVENT OFFER_CANCELLED").value_or(""),
            "EVENT OFFER_CANCELLED " + id + " alice gone");
  EXPECT_EQ(b->request("OFFER_ACCEPT " + id)[0], "ERR 404 no such request");
}

TEST_F(BrokerOptionsTest, ExpiredOfferIsCancelledForItsReceivers) {
  start({"--offer-timeout", "1"});
  auto a = client("alice");
  auto b = client("bob");
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE report.pdf 1 " + kHashA)[0], "OK ANNOUNCED 1");
  std::string id(split_fields(a->request("OFFER report.pdf 1 " + kHashA + " bob")[0])[2]);
  EXPECT_EQ(b->event("EVENT OFFER_CANCELLED", std::chrono::seconds(5)).value_or(""),
            "EVENT OFFER_CANCELLED " + id + " alice timeout");
  EXPECT_EQ(a->event("EVENT OFFER_ANSWER", std::chrono::seconds(5)).value_or(""),
            "EVENT OFFER_ANSWER " + id + " bob timeout");
}

TEST_F(BrokerTest, HashesAreMatchedInEitherCaseAndSentLowerCase) {
  auto a = client("alice");
  auto b = client("bob");
  const std::string upper(64, 'C');
  const std::string lower(64, 'c');
  ASSERT_TRUE(a->send("ANNOUNCE 1"));
  EXPECT_EQ(a->request("FILE x.bin 3 " + upper)[0], "OK ANNOUNCED 1");
  EXPECT_EQ(b->request("FILES alice", true).back(), "FILE alice x.bin 3 " + lower);
  for (const std::string& h : {upper, lower}) {
    auto who = b->request("WHOHAS " + h, true);
    ASSERT_EQ(who.size(), 2u) << h;
    EXPECT_EQ(who[1].rfind("OWNER alice ", 0), 0u);
  }
  EXPECT_EQ(a->request("OFFER x.bin 3 " + upper + " bob")[0].rfind("OK OFFER ", 0), 0u);
}

TEST_F(BrokerTest, GarbageGetsErrorsAndTheConnectionSurvives) {
  auto a = client("alice");
  auto b = client("bob");
  EXPECT_EQ(a->request("FROBNICATE")[0].rfind("ERR 400 unknown command", 0), 0u);
  EXPECT_EQ(a->request("INFO bad%zzescape")[0].rfind("ERR 400 bad escape", 0), 0u);
  EXPECT_EQ(a->request("INFO")[0].rfind("ERR 400 usage", 0), 0u);
  std::string many = "USERS";
  for (int i = 0; i < 100; ++i) many += " x";
  EXPECT_EQ(a->request(many)[0].rfind("ERR 413 too many fields", 0), 0u);
  ASSERT_TRUE(a->send_raw(std::string("\x01\x02\xff\xfe binary\n", 12)));
  EXPECT_EQ(a->reply().value_or("").rfind("ERR 400", 0), 0u);
  EXPECT_EQ(a->request("PING")[0], "OK PONG");
  EXPECT_EQ(b->request("PING")[0], "OK PONG");
}

TEST_F(BrokerTest, RandomBytesNeverCrashTheBroker) {
  auto watcher = client("watcher");
  for (unsigned seed = 1; seed <= 20; ++seed) {
    LineClient noisy(broker_.port);
    ASSERT_TRUE(noisy.ok());
    std::string junk = random_data(3000, seed);
    if (seed % 2 == 0)
      junk = "HELLO 1.0\nREGISTER n" + std::to_string(seed) + " 1 " + kTestKey + "\n" + junk;
    noisy.send_raw(junk + "\n");
    noisy.send_raw("PING\n");
    // Whatever it answered, the broker is alive and serving others.
    EXPECT_EQ(watcher->request("PING")[0], "OK PONG") << seed;
  }
  EXPECT_FALSE(broker_.proc->exited());
}

TEST_F(BrokerTest, OverLongLineIsRefusedAndClosedOthersUnaffected) {
  auto a = client("alice");
  auto b = client("bob");
  ASSERT_TRUE(a->send(std::string(10000, 'x')));
  EXPECT_EQ(a->reply().value_or("").rfind("ERR 413 line too long", 0), 0u);
  EXPECT_TRUE(a->closed_by_peer());
  EXPECT_EQ(b->event("EVENT LEAVE").value_or(""), "EVENT LEAVE alice");
  EXPECT_EQ(b->request("PING")[0], "OK PONG");
}

TEST_F(BrokerOptionsTest, ClientThatNeverReadsIsDroppedOthersNeverWait) {
  start({"--max-output", "65536"});
  auto a = client("alice");
  auto reader = client("bob");
  // Give alice many files so each FILES reply is large.
  std::string announce = "ANNOUNCE 500\n";
  for (int i = 0; i < 500; ++i)
    announce += "FILE file" + std::to_string(i) + ".bin 1 " + kHashA + "\n";
  ASSERT_TRUE(a->send_raw(announce));
  EXPECT_EQ(a->reply().value_or(""), "OK ANNOUNCED 500");
  // The stuck client: a tiny receive buffer, asks for FILES over and over, never reads.
  LineClient stuck(broker_.port);
  int small = 4096;
  ::setsockopt(stuck.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(stuck.hello_register("stuck"));
  std::string burst;
  for (int i = 0; i < 200; ++i) burst += "FILES\n";
  stuck.send_raw(burst);
  // Meanwhile the others are served promptly, and are told the stuck one was dropped.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(reader->request("PING", false)[0], "OK PONG");
  auto leave = reader->event("EVENT LEAVE stuck");
  ASSERT_TRUE(leave);
  EXPECT_EQ(reader->request("USERS", true).size(), 3u);
  EXPECT_TRUE(broker_.proc->saw("stuck closed: output buffer over", std::chrono::seconds(5)));
}

TEST_F(BrokerOptionsTest, SilentConnectionTimesOut) {
  start({"--register-timeout", "1"});
  LineClient idle(broker_.port);
  auto r = idle.reply(std::chrono::seconds(5));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "ERR 408 registration timed out");
  EXPECT_TRUE(idle.closed_by_peer());
}

TEST_F(BrokerTest, ThousandClientsRegisterAndQuery) {
  constexpr int kClients = 1000;
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<LineClient>(broker_.port));
    ASSERT_TRUE(clients.back()->ok()) << i;
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[static_cast<size_t>(i)]->send("HELLO 1.0\nREGISTER user" +
                                                      std::to_string(i) + " 40000 " + kTestKey));
  }
  for (int i = 0; i < kClients; ++i) {
    auto& c = *clients[static_cast<size_t>(i)];
    EXPECT_EQ(c.reply().value_or("").rfind("OK HELLO", 0), 0u);
    EXPECT_EQ(c.reply().value_or(""), "OK REGISTERED user" + std::to_string(i) + " 127.0.0.1");
  }
  for (auto& c : clients) ASSERT_TRUE(c->send("INFO user0\nPING"));
  for (auto& c : clients) {
    EXPECT_EQ(c->reply().value_or(""), "OK INFO user0 127.0.0.1 40000");
    EXPECT_EQ(c->reply().value_or(""), "OK PONG");
  }
  auto users = clients[kClients - 1]->request("USERS", true);
  ASSERT_EQ(users.size(), static_cast<size_t>(kClients) + 1);
  EXPECT_EQ(users[0], "OK USERS " + std::to_string(kClients));
}

TEST_F(BrokerTest, SigtermTellsClientsAndExitsZero) {
  auto a = client("alice");
  broker_.proc->kill(SIGTERM);
  EXPECT_EQ(a->event("EVENT SHUTDOWN").value_or(""), "EVENT SHUTDOWN");
  auto status = broker_.proc->wait_exit();
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

// SIGINT (Ctrl-C on the broker's terminal) stops it the same way: through the signalfd of its
// StopSignals, not by killing it.
TEST_F(BrokerTest, SigintTellsClientsAndExitsZero) {
  auto a = client("alice");
  broker_.proc->kill(SIGINT);
  EXPECT_EQ(a->event("EVENT SHUTDOWN").value_or(""), "EVENT SHUTDOWN");
  auto status = broker_.proc->wait_exit();
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

TEST_F(BrokerTest, LogFileHasOneLinePerQuery) {
  auto a = client("alice");
  a->request("USERS", true);
  a->request("INFO nobody");
  ASSERT_TRUE(
      broker_.proc->saw("alice INFO nobody -> ERR 404 no such user", std::chrono::seconds(5)));
  auto log = read_file(dir_.file("server.log"));
  ASSERT_TRUE(log);
  EXPECT_NE(log->find("alice USERS -> OK USERS 1"), std::string::npos);
  EXPECT_NE(log->find("alice INFO nobody -> ERR 404 no such user"), std::string::npos);
}

TEST_F(BrokerOptionsTest, PortInUseIsAClearError) {
  auto held = listen_tcp("127.0.0.1", 0);
  ASSERT_TRUE(held.ok());
  std::string port = std::to_string(local_port(held->get()));
  auto p = Process::start(
      {bin_path("_s"), "--port", port, "--bind", "127.0.0.1", "--state-dir", dir_.path()});
  auto status = p->wait_exit();
  ASSERT_TRUE(status);
  EXPECT_NE(WEXITSTATUS(*status), 0);
  EXPECT_NE(p->output().find("address already in use"), std::string::npos) << p->output();
}

TEST_F(BrokerOptionsTest, BadArgumentsAreClearErrors) {
  for (auto args : std::vector<std::vector<std::string>>{{"--port", "99999"},
                                                         {"--bind", "not.an.address.invalid"},
                                                         {"--frobnicate", "1"},
                                                         {"--port"}}) {
    std::vector<std::string> argv = {bin_path("_s"), "--state-dir", dir_.path()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = Process::start(argv);
    auto status = p->wait_exit();
    ASSERT_TRUE(status) << args[0];
    EXPECT_NE(WEXITSTATUS(*status), 0) << args[0];
    EXPECT_NE(p->output().find("_s: "), std::string::npos) << p->output();
  }
  auto help = Process::start({bin_path("_s"), "--help"});
  ASSERT_TRUE(help->wait_exit());
  EXPECT_NE(help->output().find("usage: _s"), std::string::npos);
}

}  // namespace
}  // namespace peerlink::testing
