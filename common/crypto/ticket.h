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
  // The requester's static public key (64 lower-case hex digits, or "-" for a user without
  // one): the file server accepts the ticket only on a connection with this key.
  std::string requester_key;
};

// Returns "<expiry decimal>-<64 lower-case hex digits>", the hex being
// HMAC-SHA-256(key, owner + '\n' + file + '\n' + requester + '\n' + requester_key + '\n' +
// expiry decimal).
std::string sign_ticket(std::string_view key, const TicketFields& f);

enum class TicketCheck { kOk, kMalformed, kForged, kExpired };

// Checks `ticket` against the fields the server expects and the owner's `key`.
// kMalformed: not of the form sign_ticket() produces. kForged: the MAC does not match (including
// a tampered expiry). kExpired: genuine but its expiry is before `now`. The MAC is compared in
// constant time.
TicketCheck verify_ticket(std::string_view key, std::string_view owner, std::string_view file,
                          std::string_view requester, std::string_view requester_key,
                          std::string_view ticket, int64_t now);

// "ok", "malformed ticket", "forged ticket" or "expired ticket".
const char* ticket_check_text(TicketCheck c);

}  // namespace peerlink
