// Download tickets: the broker's HMAC-signed permission for one requester to fetch one file.
#include "common/crypto/ticket.h"

#include <charconv>

#include "common/base/hex.h"
#include "common/crypto/hmac.h"

namespace peerlink {
namespace {

// The byte string the MAC covers. Newlines separate the fields; names that reach here are
// validated user names, sanitized file names and hex keys, none of which may contain one.
std::string signed_text(std::string_view owner, std::string_view file, std::string_view requester,
                        std::string_view requester_key, int64_t expiry) {
  std::string text;
  text.reserve(owner.size() + file.size() + requester.size() + requester_key.size() + 25);
  text.append(owner).push_back('\n');
  text.append(file).push_back('\n');
  text.append(requester).push_back('\n');
  text.append(requester_key).push_back('\n');
  text.append(std::to_string(expiry));
  return text;
}

// Parses a canonical decimal int64 (what std::to_string writes: optional '-', no '+', no leading
// zeros), so that each expiry has exactly one accepted spelling.
bool parse_expiry(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  if (ec != std::errc() || ptr != end) return false;
  return std::to_string(*value) == text;
}

}  // namespace

std::string sign_ticket(std::string_view key, const TicketFields& f) {
  const Sha256::Digest mac =
      hmac_sha256(key, signed_text(f.owner, f.file, f.requester, f.requester_key, f.expiry));
  return std::to_string(f.expiry) + "-" + to_hex(mac.data(), mac.size());
}

TicketCheck verify_ticket(std::string_view key, std::string_view owner, std::string_view file,
                          std::string_view requester, std::string_view requester_key,
                          std::string_view ticket, int64_t now) {
  // The MAC part is hex, so the last '-' separates it even when the expiry is negative.
  const size_t dash = ticket.rfind('-');
  if (dash == std::string_view::npos) return TicketCheck::kMalformed;
  const std::string_view mac_hex = ticket.substr(dash + 1);
  int64_t expiry = 0;
  if (!parse_expiry(ticket.substr(0, dash), &expiry)) return TicketCheck::kMalformed;
  std::string given_mac;
  if (mac_hex.size() != 2 * Sha256::kDigestBytes || !from_hex(mac_hex, &given_mac)) {
    return TicketCheck::kMalformed;
  }

  const Sha256::Digest expected =
      hmac_sha256(key, signed_text(owner, file, requester, requester_key, expiry));
  const std::string_view expected_view(reinterpret_cast<const char*>(expected.data()),
                                       expected.size());
  if (!constant_time_equal(given_mac, expected_view)) return TicketCheck::kForged;
  if (expiry < now) return TicketCheck::kExpired;
  return TicketCheck::kOk;
}

const char* ticket_check_text(TicketCheck c) {
  switch (c) {
    case TicketCheck::kOk:
      return "ok";
    case TicketCheck::kMalformed:
      return "malformed ticket";
    case TicketCheck::kForged:
      return "forged ticket";
    case TicketCheck::kExpired:
      return "expired ticket";
  }
  return "unknown ticket check";
}

}  // namespace peerlink
