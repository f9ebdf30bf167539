// Download tickets: the broker's HMAC-signed permission for one requester to fetch one file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace peerlink {

struct TicketFields {
  std::string owner;      // user who shares the file
  std::string file;       // file name as offered by the owner
  std::string requester;  // user allowed to download it
  int64_t expiry = 0;     // unix seconds; the ticket is refused after this time
  // The requester's public key as the broker saw it (64 lower-case hex digits; "" for none):
  // the ticket is good only on a download connection whose Noise key is this one, so that a
  // sniffed ticket is useless without the requester's private key. Last, so that the four-field
  // {owner, file, requester, expiry} initialisers keep compiling (the {} keeps -Wextra quiet).
  std::string requester_key{};
};

// Returns "<expiry decimal>-<64 lower-case hex digits>", the hex being
// HMAC-SHA-256(key, owner + '\n' + file + '\n' + requester + '\n' + requester_key + '\n' +
// expiry decimal).
std::string sign_ticket(std::string_view key, const TicketFields& f);

enum class TicketCheck { kOk, kMalformed, kForged, kExpired };

// Checks `ticket` against the fields the server expects and the owner's `key`; `requester_key` is
// the hex of the download connection's remote static key (a ticket for another key is kForged).
// kMalformed: not of the form sign_ticket() produces. kForged: the MAC does not match (including
// a tampered expiry). kExpired: genuine but its expiry is before `now`. The MAC is compared in
// constant time.
TicketCheck verify_ticket(std::string_view key, std::string_view owner, std::string_view file,
                          std::string_view requester, std::string_view requester_key,
                          std::string_view ticket, int64_t now);

// "ok", "malformed ticket", "forged ticket" or "expired ticket".
const char* ticket_check_text(TicketCheck c);

}  // namespace peerlink
