// What the lobby client receives from the broker: lines classified as replies or events and
// decoded into typed values (docs/PROTOCOL.md, section 1). Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace peerlink::lobby {

// One line from the broker.
struct BrokerMessage {
  enum class Kind {
    kOk,     // "OK ..."    fields: the decoded words after OK
    kErr,    // "ERR code reason..."   code and reason set, no fields
    kEvent,  // "EVENT ..." fields: the decoded words after EVENT
    kOther,  // any other line (a body line of a multi-line reply: "USER ..."); fields: all words
  };
  Kind kind = Kind::kOther;
  std::vector<std::string> fields;
  int code = 0;        // kErr only
  std::string reason;  // kErr only: the rest of the line after the code, as sent
  bool is_event() const { return kind == Kind::kEvent; }
};

// Splits and percent-decodes `line`. False if a field has a malformed escape, or an ERR line has
// no numeric code.
bool parse_broker_message(std::string_view line, BrokerMessage* out);

// An EVENT line, interpreted.
struct BrokerEvent {
  enum class Type {
    kJoin,            // user ip port [count]: count if merged with its first SHARES
    kLeave,           // user
    kBusy,            // user partner: left for a chat session with partner (not gone)
    kShares,          // user count
    kChatRequest,     // id user(from)
    kChatAccepted,    // id user(target) ip port token key(target's)
    kChatDeclined,    // id user(target) reason: declined|timeout|gone
    kChatCancelled,   // id user(from) reason: timeout|gone
    kOffer,           // id user(from) file size sha256: a file offered to us
    kOfferAnswer,     // id user(target) reason: accepted|declined|timeout|gone
    kOfferCancelled,  // id user(from) reason: timeout|gone — an offer to us is void
    kShutdown,        //
    kResync,          // directory events (JOIN/LEAVE/SHARES) were dropped: re-read USERS/FILES
    kChanges,         // joined left busy shares: a batch of directory events summed up
    kOther,           // an event this client does not act on (newer ones)
  };
  Type type = Type::kOther;
  std::string name;  // the event's word after EVENT, e.g. "JOIN"
  uint64_t id = 0;
  std::string user;
  std::string ip;
  uint16_t port = 0;
  uint64_t count = 0;
  bool has_count = false;         // kJoin: `count` came with it (kShares always has one)
  std::vector<uint64_t> changes;  // kChanges: users joined, left, busy, with new shares
  std::string token;
  std::string key;  // kChatAccepted: the target's static key, 64 lower-case hex ("" if it has none)
  std::string reason;
  std::string partner;  // kBusy
  std::string file;     // kOffer: a safe base name (safe_file_name)
  uint64_t size = 0;    // kOffer
  std::string sha256;   // kOffer: 64 lower-case hex digits
};

// Interprets an EVENT message. False if it is a known event with missing or invalid fields
// (bad user name, number, address or token), which the caller should ignore. Unknown events are
// kOther and true, so newer brokers can add events.
bool parse_broker_event(const BrokerMessage& m, BrokerEvent* out);

// A user of the directory: "USER name ip port files" or "OK INFO name ip port".
struct UserEntry {
  std::string name;
  std::string ip;
  uint16_t port = 0;
  uint64_t files = 0;
};
bool parse_user_line(const BrokerMessage& m, UserEntry* out);
bool parse_info_reply(const BrokerMessage& m, UserEntry* out);
// A user away in a chat session, in a USERS reply: "BUSY name partner".
struct BusyEntry {
  std::string name;
  std::string partner;
};
bool parse_busy_line(const BrokerMessage& m, BusyEntry* out);

// For a multi-line reply "OK <WORD> <n>", the number of lines that follow. False if `m` is not
// such a reply or n is not a number (up to `max`).
bool multi_line_count(const BrokerMessage& m, std::string_view word, size_t max, size_t* n);

// True if `m` is "OK <word> ..." (the reply's first field equals `word`).
bool is_ok(const BrokerMessage& m, std::string_view word);

// Checks for values the client passes on to other programs: an IP address as the broker prints
// it (digits, hex, '.', ':', '%' scope, at most 64 bytes) and a session token (hex, 16..256).
bool plausible_ip(std::string_view ip);
bool plausible_token(std::string_view token);

// A key field as the broker writes it (OK ACCEPT, CHAT_ACCEPTED): 64 hex digits, stored in
// *hex in lower case, or "-" for a user without a key (teaching mode), stored as "". False for
// anything else.
bool parse_key_field(std::string_view text, std::string* hex);

}  // namespace peerlink::lobby
