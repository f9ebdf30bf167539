// Tests for download tickets, plus the hex and random helpers they are built on.
#include "common/crypto/ticket.h"

#include <string>

#include <gtest/gtest.h>

#include "common/base/hex.h"
#include "common/base/random.h"
#include "common/crypto/hmac.h"

namespace peerlink {
namespace {

constexpr int64_t kExpiry = 1700000000;
const char kKey[] = "per-owner secret key";
const std::string kBobKey = std::string(62, 'b') + "0b";  // bob's public key, as hex
const std::string kEveKey = std::string(62, 'e') + "0e";  // someone else's

TicketFields fields() { return TicketFields{"alice", "report.pdf", "bob", kExpiry, kBobKey}; }

TicketCheck check(std::string_view ticket, int64_t now = kExpiry - 60) {
  return verify_ticket(kKey, "alice", "report.pdf", "bob", kBobKey, ticket, now);
}

TEST(TicketTest, FormatIsExpiryDashLowerHexMac) {
  const std::string t = sign_ticket(kKey, fields());
  ASSERT_EQ(t.size(), std::string("1700000000-").size() + 64);
  EXPECT_EQ(t.substr(0, 11), "1700000000-");
  for (const char c : t.substr(11)) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << t;
  }
}

TEST(TicketTest, SignThenVerifyOk) {
  const std::string t = sign_ticket(kKey, fields());
  EXPECT_EQ(check(t), TicketCheck::kOk);
  EXPECT_EQ(check(t, kExpiry), TicketCheck::kOk);  // valid up to and including the expiry second
}

TEST(TicketTest, ChangedFieldsAreForged) {
  const std::string t = sign_ticket(kKey, fields());
  const int64_t now = kExpiry - 60;
  EXPECT_EQ(verify_ticket(kKey, "mallory", "report.pdf", "bob", kBobKey, t, now),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket(kKey, "alice", "secret.pdf", "bob", kBobKey, t, now),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "eve", kBobKey, t, now),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket("other key", "alice", "report.pdf", "bob", kBobKey, t, now),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket("", "alice", "report.pdf", "bob", kBobKey, t, now), TicketCheck::kForged);
}

TEST(TicketTest, ATicketPresentedWithAnotherRequesterKeyIsForged) {
  // What a sniffed ticket replayed from another machine looks like: every field right but the
  // key of the connection presenting it.
  const std::string t = sign_ticket(kKey, fields());
  const int64_t now = kExpiry - 60;
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", kEveKey, t, now),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", "", t, now), TicketCheck::kForged);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", kBobKey.substr(1), t, now),
            TicketCheck::kForged);
  // A ticket signed for no key is not good for a connection that has one, nor the other way.
  TicketFields unkeyed = fields();
  unkeyed.requester_key.clear();
  const std::string u = sign_ticket(kKey, unkeyed);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", "", u, now), TicketCheck::kOk);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", kBobKey, u, now),
            TicketCheck::kForged);
}

TEST(TicketTest, FieldBoundariesAreBound) {
  // Moving bytes between fields must not keep the MAC valid.
  const std::string t = sign_ticket(kKey, fields());
  EXPECT_EQ(verify_ticket(kKey, "alicer", "eport.pdf", "bob", kBobKey, t, kExpiry - 60),
            TicketCheck::kForged);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bobb", kBobKey.substr(1), t, kExpiry - 60),
            TicketCheck::kForged);
}

TEST(TicketTest, TheMacCoversTheFieldsInTheDocumentedOrder) {
  // HMAC-SHA-256(key, owner \n file \n requester \n requester_key \n expiry), as docs/PROTOCOL.md
  // says: another implementation of the broker must be able to sign tickets this server accepts.
  const std::string text = "alice\nreport.pdf\nbob\n" + kBobKey + "\n" + std::to_string(kExpiry);
  const Sha256::Digest mac = hmac_sha256(kKey, text);
  EXPECT_EQ(sign_ticket(kKey, fields()),
            std::to_string(kExpiry) + "-" + to_hex(mac.data(), mac.size()));
}

TEST(TicketTest, ExpiryChangedInsideTicketIsForged) {
  const std::string t = sign_ticket(kKey, fields());
  std::string later = t;
  later.replace(0, 10, std::to_string(kExpiry + 86400));
  EXPECT_EQ(check(later), TicketCheck::kForged);
  EXPECT_EQ(check("9" + t), TicketCheck::kForged);
}

TEST(TicketTest, ExpiryFieldChangedWhenSigningIsForged) {
  TicketFields f = fields();
  f.expiry = kExpiry + 1;
  const std::string t = sign_ticket(kKey, f);
  const std::string mac = t.substr(t.find('-'));
  EXPECT_EQ(check(std::to_string(kExpiry) + mac), TicketCheck::kForged);
}

TEST(TicketTest, ExpiredWhenNowIsPastExpiry) {
  const std::string t = sign_ticket(kKey, fields());
  EXPECT_EQ(check(t, kExpiry + 1), TicketCheck::kExpired);
  EXPECT_EQ(check(t, kExpiry + 100000), TicketCheck::kExpired);
}

TEST(TicketTest, NegativeExpiryRoundTrips) {
  TicketFields f = fields();
  f.expiry = -5;
  const std::string t = sign_ticket(kKey, f);
  EXPECT_EQ(t.substr(0, 3), "-5-");
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", kBobKey, t, -10), TicketCheck::kOk);
  EXPECT_EQ(verify_ticket(kKey, "alice", "report.pdf", "bob", kBobKey, t, 0),
            TicketCheck::kExpired);
}

TEST(TicketTest, GarbageIsMalformed) {
  const std::string t = sign_ticket(kKey, fields());
  const std::string mac = t.substr(11);
  for (const std::string& bad : {
           std::string(""), std::string("abc"), std::string("12-zz"), std::string("-"),
           std::string("--"), std::string("1700000000"),
           std::string("1700000000-"),               // missing hex
           "-" + mac,                                // missing expiry
           "abc-" + mac,                             // non-numeric expiry
           "+1700000000-" + mac,                     // non-canonical expiry
           "01700000000-" + mac,                     // leading zero
           " 1700000000-" + mac,                     // leading space
           "1700000000-" + mac.substr(0, 63),        // short MAC
           "1700000000-" + mac + "0",                // long MAC
           "1700000000-" + mac.substr(0, 63) + "g",  // non-hex MAC
           "1700000000-" + mac + "\n",               // trailing newline
           "99999999999999999999-" + mac,            // expiry overflows int64
           "1700000000_" + mac,                      // wrong separator
       }) {
    EXPECT_EQ(check(bad), TicketCheck::kMalformed) << "ticket: " << bad;
  }
}

TEST(TicketTest, UpperCaseMacIsAccepted) {
  std::string t = sign_ticket(kKey, fields());
  for (char& c : t) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  EXPECT_EQ(check(t), TicketCheck::kOk);
}

TEST(TicketTest, CheckText) {
  EXPECT_STREQ(ticket_check_text(TicketCheck::kOk), "ok");
  EXPECT_STREQ(ticket_check_text(TicketCheck::kMalformed), "malformed ticket");
  EXPECT_STREQ(ticket_check_text(TicketCheck::kForged), "forged ticket");
  EXPECT_STREQ(ticket_check_text(TicketCheck::kExpired), "expired ticket");
}

TEST(HexTest, RoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string hex = to_hex(all.data(), all.size());
  EXPECT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  std::string back;
  ASSERT_TRUE(from_hex(hex, &back));
  EXPECT_EQ(back, all);
}

TEST(HexTest, Decoding) {
  std::string out;
  EXPECT_TRUE(from_hex("", &out));
  EXPECT_EQ(out, "");
  EXPECT_TRUE(from_hex("DeadBEEF", &out));
  EXPECT_EQ(out, "\xde\xad\xbe\xef");
  EXPECT_FALSE(from_hex("abc", &out));  // odd length
  EXPECT_FALSE(from_hex("zz", &out));
  EXPECT_FALSE(from_hex("0g", &out));
  EXPECT_FALSE(from_hex(" 0", &out));
  EXPECT_FALSE(from_hex(std::string_view("0\0", 2), &out));
  EXPECT_EQ(to_hex("", 0), "");
}

TEST(RandomTest, HexLengthAndUniqueness) {
  EXPECT_EQ(random_hex(0), "");
  const std::string a = random_hex(16);
  const std::string b = random_hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(b.size(), 32u);
  EXPECT_NE(a, b);
  std::string decoded;
  EXPECT_TRUE(from_hex(a, &decoded));
  EXPECT_EQ(random_bytes(1000).size(), 1000u);
  // More than one getrandom(2) call returns (Linux caps it at 32 MiB - 1), so the fill loop must
  // carry on to the end: the tail must not still be the zeros it started as.
  const std::string big = random_bytes(40 * 1024 * 1024);
  ASSERT_EQ(big.size(), 40u * 1024 * 1024);
  EXPECT_NE(big.substr(big.size() - 64), std::string(64, '\0'));
}

}  // namespace
}  // namespace peerlink
