// The owners a download may come from: parsing the broker's `OWNER` lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace peerlink {

// One owner of the wanted file, as the broker's WHOHAS reply names it (docs/PROTOCOL.md,
// "Shared files"). All fields are decoded; `ticket` is a secret.
struct FetchSource {
  std::string owner;  // the owner's user name (valid_user_name)
  std::string ip;     // where its file server listens, as the broker observed it
  uint16_t port = 0;  // 1..65535
  std::string file;   // the name the owner serves it under (what the ticket signs)
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  std::string key;     // the owner's public key, 64 lower-case hex digits, as the broker vouches
  std::string ticket;
};

// Parses `OWNER <owner> <ip> <port> <file-name> <size> <sha256> <owner-key> <ticket>` with
// percent-encoded fields. A failure ("not an OWNER line", "bad port", ...) if any field is
// malformed. The sha256 and the key are accepted in either case and stored in lower case. An
// owner without a key (`-`) is refused ("the owner has no vouched key"): its file server could
// not be told from an impostor.
Expected<FetchSource> parse_owner_line(std::string_view line);

// The line parse_owner_line() reads back as `s` (no '\n').
std::string format_owner_line(const FetchSource& s);

// Parses the sources text handed over through --secret-fd: OWNER lines separated by '\n' ('\r'
// before it ignored); blank lines are skipped. Each bad line is skipped and described in *errors
// (if not null) as "line N: reason".
std::vector<FetchSource> parse_fetch_sources(std::string_view text,
                                             std::vector<std::string>* errors);

}  // namespace peerlink
