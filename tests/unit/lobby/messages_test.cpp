// Unit tests of how the lobby client decodes broker lines: replies, errors, events, user lists.
#include "client/lobby/messages.h"
#include "common/base/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace peerlink::lobby {
namespace {

using Kind = BrokerMessage::Kind;
using Type = BrokerEvent::Type;

BrokerMessage msg(const std::string& line) {
  BrokerMessage m;
  EXPECT_TRUE(parse_broker_message(line, &m)) << line;
  return m;
}

BrokerEvent event(const std::string& line) {
  BrokerEvent e;
  EXPECT_TRUE(parse_broker_event(msg(line), &e)) << line;
  return e;
}

bool bad_event(const std::string& line) {
  BrokerMessage m;
  if (!parse_broker_message(line, &m)) return true;
  BrokerEvent e;
  return !parse_broker_event(m, &e);
}

const std::string kToken(64, 'f');

TEST(ClientMessages, ClassifiesLines) {
  BrokerMessage ok = msg("OK REGISTERED alice 127.0.0.1");
  EXPECT_EQ(ok.kind, Kind::kOk);
  ASSERT_EQ(ok.fields.size(), 3u);
  EXPECT_EQ(ok.fields[0], "REGISTERED");
  EXPECT_TRUE(is_ok(ok, "REGISTERED"));
  EXPECT_FALSE(is_ok(ok, "HELLO"));

  BrokerMessage err = msg("ERR 409 name taken");
  EXPECT_EQ(err.kind, Kind::kErr);
  EXPECT_EQ(err.code, 409);
  EXPECT_EQ(err.reason, "name taken");
  EXPECT_TRUE(err.fields.empty());

  EXPECT_EQ(msg("EVENT LEAVE bob").kind, Kind::kEvent);
  EXPECT_EQ(msg("USER bob 10.0.0.2 40002 0").kind, Kind::kOther);
}

TEST(ClientMessages, DecodesPercentEscapes) {
  BrokerMessage m = msg("FILE alice my%20song.ogg %-");
  ASSERT_EQ(m.fields.size(), 4u);
  EXPECT_EQ(m.fields[2], "my song.ogg");
  EXPECT_EQ(m.fields[3], "");
  BrokerMessage bad;
  EXPECT_FALSE(parse_broker_message("OK X a%2", &bad));
  EXPECT_FALSE(parse_broker_message("ERR", &bad));
  EXPECT_FALSE(parse_broker_message("ERR abc reason", &bad));
}

TEST(ClientMessages, ErrWithoutReasonAndExtraSpaces) {
  BrokerMessage m = msg("ERR  404   no  such user");
  EXPECT_EQ(m.code, 404);
  EXPECT_EQ(m.reason, "no  such user");
  EXPECT_EQ(msg("ERR 503").reason, "");
}

TEST(ClientMessages, JoinLeaveShares) {
  BrokerEvent j = event("EVENT JOIN bob 192.168.1.4 40002");
  EXPECT_EQ(j.type, Type::kJoin);
  EXPECT_EQ(j.user, "bob");
  EXPECT_EQ(j.ip, "192.168.1.4");
  EXPECT_EQ(j.port, 40002);
  EXPECT_EQ(event("EVENT JOIN bob ::1 40002").ip, "::1");
  EXPECT_FALSE(j.has_count);
  // Merged with the first SHARES (docs/PROTOCOL.md, "Batches").
  BrokerEvent merged = event("EVENT JOIN bob 192.168.1.4 40002 17");
  EXPECT_EQ(merged.type, Type::kJoin);
  EXPECT_TRUE(merged.has_count);
  EXPECT_EQ(merged.count, 17u);
  EXPECT_TRUE(bad_event("EVENT JOIN bob 192.168.1.4 40002 x"));
  EXPECT_TRUE(bad_event("EVENT JOIN bob 192.168.1.4 40002 1 2"));
  BrokerEvent sum = event("EVENT CHANGES 120 3 0 118");
  EXPECT_EQ(sum.type, Type::kChanges);
  EXPECT_EQ(sum.changes, (std::vector<uint64_t>{120, 3, 0, 118}));
  EXPECT_TRUE(bad_event("EVENT CHANGES 1 2 3"));
  EXPECT_TRUE(bad_event("EVENT CHANGES 1 2 3 x"));
  BrokerEvent l = event("EVENT LEAVE bob");
  EXPECT_EQ(l.type, Type::kLeave);
  EXPECT_EQ(l.user, "bob");
  BrokerEvent s = event("EVENT SHARES bob 12");
  EXPECT_EQ(s.type, Type::kShares);
  EXPECT_EQ(s.count, 12u);
}

TEST(ClientMessages, ChatEvents) {
  BrokerEvent r = event("EVENT CHAT_REQUEST 7 alice");
  EXPECT_EQ(r.type, Type::kChatRequest);
  EXPECT_EQ(r.id, 7u);
  EXPECT_EQ(r.user, "alice");

  const std::string key = std::string(32, 'c') + std::string(32, 'D');
  BrokerEvent a = event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 " + kToken + " " + key);
  EXPECT_EQ(a.type, Type::kChatAccepted);
  EXPECT_EQ(a.id, 7u);
  EXPECT_EQ(a.user, "bob");
  EXPECT_EQ(a.ip, "127.0.0.1");
  EXPECT_EQ(a.port, 40123);
  EXPECT_EQ(a.token, kToken);
  EXPECT_EQ(a.key, std::string(32, 'c') + std::string(32, 'd'));  // stored in lower case
  // A target without a key (a plaintext client in teaching mode) is "-".
  EXPECT_EQ(event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 " + kToken + " -").key, "");

  BrokerEvent d = event("EVENT CHAT_DECLINED 7 bob timeout");
  EXPECT_EQ(d.type, Type::kChatDeclined);
  EXPECT_EQ(d.reason, "timeout");
  BrokerEvent c = event("EVENT CHAT_CANCELLED 8 alice gone");
  EXPECT_EQ(c.type, Type::kChatCancelled);
  EXPECT_EQ(c.id, 8u);
  EXPECT_EQ(c.reason, "gone");
  EXPECT_EQ(event("EVENT SHUTDOWN").type, Type::kShutdown);
  EXPECT_EQ(event("EVENT RESYNC").type, Type::kResync);
}

TEST(ClientMessages, UnknownEventsAreTolerated) {
  BrokerEvent e = event("EVENT SOMETHING_NEW 1 2 3");
  EXPECT_EQ(e.type, Type::kOther);
  EXPECT_EQ(e.name, "SOMETHING_NEW");
}

TEST(ClientMessages, OfferEvents) {
  const std::string sha = "9A0C" + std::string(60, 'e');
  BrokerEvent o = event("EVENT OFFER 9 alice my%20report.pdf 52344 " + sha);
  EXPECT_EQ(o.type, Type::kOffer);
  EXPECT_EQ(o.id, 9u);
  EXPECT_EQ(o.user, "alice");
  EXPECT_EQ(o.file, "my report.pdf");
  EXPECT_EQ(o.size, 52344u);
  EXPECT_EQ(o.sha256, "9a0c" + std::string(60, 'e'));  // lower-cased
  BrokerEvent a = event("EVENT OFFER_ANSWER 9 bob accepted");
  EXPECT_EQ(a.type, Type::kOfferAnswer);
  EXPECT_EQ(a.id, 9u);
  EXPECT_EQ(a.user, "bob");
  EXPECT_EQ(a.reason, "accepted");
  BrokerEvent c = event("EVENT OFFER_CANCELLED 9 alice gone");
  EXPECT_EQ(c.type, Type::kOfferCancelled);
  EXPECT_EQ(c.id, 9u);
  EXPECT_EQ(c.user, "alice");
  EXPECT_EQ(c.reason, "gone");

  EXPECT_TRUE(bad_event("EVENT OFFER 9 alice report.pdf 52344 abc"));        // short hash
  EXPECT_TRUE(bad_event("EVENT OFFER 9 alice ..%2Fetc%2Fpasswd 1 " + sha));  // not a base name
  EXPECT_TRUE(bad_event("EVENT OFFER 9 alice .bashrc 1 " + sha));            // hidden
  EXPECT_TRUE(bad_event("EVENT OFFER 9 alice report.pdf -1 " + sha));        // bad size
  EXPECT_TRUE(bad_event("EVENT OFFER x alice report.pdf 1 " + sha));         // bad id
  EXPECT_TRUE(bad_event("EVENT OFFER 9 alice report.pdf 1"));                // missing hash
  EXPECT_TRUE(bad_event("EVENT OFFER_ANSWER 9 bob"));
  EXPECT_TRUE(bad_event("EVENT OFFER_CANCELLED x alice gone"));
}

TEST(ClientMessages, Sha256Field) {
  std::string lower;
  EXPECT_TRUE(parse_sha256_hex(std::string(64, 'A'), &lower));
  EXPECT_EQ(lower, std::string(64, 'a'));
  EXPECT_FALSE(parse_sha256_hex(std::string(63, 'a'), &lower));
  EXPECT_FALSE(parse_sha256_hex(std::string(63, 'a') + "g", &lower));
}

TEST(ClientMessages, RejectsMalformedKnownEvents) {
  EXPECT_TRUE(bad_event("EVENT"));
  EXPECT_TRUE(bad_event("OK JOIN bob 1.2.3.4 1"));
  EXPECT_TRUE(bad_event("EVENT JOIN bob 1.2.3.4"));
  EXPECT_TRUE(bad_event("EVENT JOIN b%20b 1.2.3.4 1"));      // not a valid user name
  EXPECT_TRUE(bad_event("EVENT JOIN bob 1.2.3.4 0"));        // port 0
  EXPECT_TRUE(bad_event("EVENT JOIN bob 1.2.3.4 70000"));    // port out of range
  EXPECT_TRUE(bad_event("EVENT JOIN bob evil.host 40000"));  // not an address
  EXPECT_TRUE(bad_event("EVENT LEAVE"));
  EXPECT_TRUE(bad_event("EVENT CHAT_REQUEST x alice"));
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 nothex"));
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 " + kToken));  // no key
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 " + kToken + " abc"));
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123 " + kToken + " " +
                        std::string(64, 'g')));
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob 127.0.0.1 40123"));
  EXPECT_TRUE(bad_event("EVENT CHAT_ACCEPTED 7 bob -rf 40123 " + kToken));
  EXPECT_TRUE(bad_event("EVENT CHAT_DECLINED 7 bob"));
}

TEST(ClientMessages, UserAndInfoLines) {
  UserEntry u;
  ASSERT_TRUE(parse_user_line(msg("USER bob 10.0.0.2 40002 3"), &u));
  EXPECT_EQ(u.name, "bob");
  EXPECT_EQ(u.ip, "10.0.0.2");
  EXPECT_EQ(u.port, 40002);
  EXPECT_EQ(u.files, 3u);
  EXPECT_FALSE(parse_user_line(msg("USER bob 10.0.0.2 40002"), &u));
  EXPECT_FALSE(parse_user_line(msg("OK USER bob 10.0.0.2 40002 3"), &u));

  UserEntry i;
  ASSERT_TRUE(parse_info_reply(msg("OK INFO bob fe80::1%25eth0 40002"), &i));
  EXPECT_EQ(i.ip, "fe80::1%eth0");
  EXPECT_FALSE(parse_info_reply(msg("ERR 404 no such user"), &i));
}

TEST(ClientMessages, MultiLineCount) {
  size_t n = 0;
  ASSERT_TRUE(multi_line_count(msg("OK USERS 2"), "USERS", 100, &n));
  EXPECT_EQ(n, 2u);
  EXPECT_FALSE(multi_line_count(msg("OK USERS 200"), "USERS", 100, &n));
  EXPECT_FALSE(multi_line_count(msg("OK USERS x"), "USERS", 100, &n));
  EXPECT_FALSE(multi_line_count(msg("OK FILES 2"), "USERS", 100, &n));
  EXPECT_FALSE(multi_line_count(msg("ERR 400 bad"), "USERS", 100, &n));
}

TEST(ClientMessages, PlausibleValues) {
  EXPECT_TRUE(plausible_ip("127.0.0.1"));
  EXPECT_TRUE(plausible_ip("::1"));
  EXPECT_TRUE(plausible_ip("2001:db8::42"));
  EXPECT_TRUE(plausible_ip("fe80::1%eth0"));
  EXPECT_FALSE(plausible_ip(""));
  EXPECT_FALSE(plausible_ip("abc"));
  EXPECT_FALSE(plausible_ip("--help"));
  EXPECT_FALSE(plausible_ip("1.2.3.4 5"));
  EXPECT_TRUE(plausible_token(kToken));
  EXPECT_FALSE(plausible_token("abc"));
  EXPECT_FALSE(plausible_token(std::string(64, 'g')));
  EXPECT_FALSE(plausible_token(std::string(300, 'a')));
}

TEST(ClientMessages, BusyEventAndLine) {
  BrokerEvent e;
  ASSERT_TRUE(parse_broker_event(msg("EVENT BUSY bob alice"), &e));
  EXPECT_EQ(e.type, BrokerEvent::Type::kBusy);
  EXPECT_EQ(e.user, "bob");
  EXPECT_EQ(e.partner, "alice");
  EXPECT_FALSE(parse_broker_event(msg("EVENT BUSY bob"), &e));
  EXPECT_FALSE(parse_broker_event(msg("EVENT BUSY bob al%20ice"), &e));

  BusyEntry b;
  ASSERT_TRUE(parse_busy_line(msg("BUSY bob alice"), &b));
  EXPECT_EQ(b.name, "bob");
  EXPECT_EQ(b.partner, "alice");
  EXPECT_FALSE(parse_busy_line(msg("BUSY bob"), &b));
  EXPECT_FALSE(parse_busy_line(msg("USER bob 10.0.0.2 40002 3"), &b));
  UserEntry u;
  EXPECT_FALSE(parse_user_line(msg("BUSY bob alice"), &u));  // old parsers skip it
}

}  // namespace
}  // namespace peerlink::lobby
