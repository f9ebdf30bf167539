// What the lobby client receives from the broker, decoded.
#include "client/lobby/messages.h"

#include "common/base/hex.h"
#include "common/base/numbers.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_limits.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool port_field(const std::string& text, uint16_t* port) {
  return parse_port(text, port) && *port != 0;
}

}  // namespace

bool parse_broker_message(std::string_view line, BrokerMessage* out) {
  *out = BrokerMessage{};
  std::vector<std::string_view> words = split_fields(line);
  if (words.empty()) return true;  // an empty line: kOther with no fields
  size_t first = 0;
  if (words[0] == wire::kOk) {
    out->kind = BrokerMessage::Kind::kOk;
    first = 1;
  } else if (words[0] == wire::kEvent) {
    out->kind = BrokerMessage::Kind::kEvent;
    first = 1;
  } else if (words[0] == wire::kErr) {
    out->kind = BrokerMessage::Kind::kErr;
    uint64_t code = 0;
    if (words.size() < 2 || !parse_u64(words[1], &code) || code > 999) return false;
    out->code = static_cast<int>(code);
    // The reason is free text after the code, sent as is (it may hold spaces).
    size_t at = static_cast<size_t>(words[1].data() - line.data()) + words[1].size();
    std::string_view rest = line.substr(at);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    out->reason = std::string(rest);
    return true;
  }
  for (size_t i = first; i < words.size(); ++i) {
    std::string decoded;
    if (!percent_decode(words[i], &decoded)) return false;
    out->fields.push_back(std::move(decoded));
  }
  return true;
}

bool parse_broker_event(const BrokerMessage& m, BrokerEvent* out) {
  *out = BrokerEvent{};
  if (!m.is_event() || m.fields.empty()) return false;
  const std::vector<std::string>& f = m.fields;
  out->name = f[0];
  const std::string& w = f[0];
  auto user_at = [&](size_t i) {
    if (f.size() <= i || !valid_user_name(f[i])) return false;
    out->user = f[i];
    return true;
  };
  auto id_at = [&](size_t i) { return f.size() > i && parse_u64(f[i], &out->id); };
  if (w == wire::event::kJoin) {
    out->type = BrokerEvent::Type::kJoin;
    if ((f.size() != 4 && f.size() != 5) || !user_at(1) || !plausible_ip(f[2]) ||
        !port_field(f[3], &out->port)) {
      return false;
    }
    // JOIN merged with the user's first SHARES: its file count as a fifth field.
    out->has_count = f.size() == 5;
    if (out->has_count && !parse_u64(f[4], &out->count)) return false;
    out->ip = f[2];
    return true;
  }
  if (w == wire::event::kLeave) {
    out->type = BrokerEvent::Type::kLeave;
    return f.size() == 2 && user_at(1);
  }
  if (w == wire::event::kBusy) {
    out->type = BrokerEvent::Type::kBusy;
    if (f.size() != 3 || !user_at(1) || !valid_user_name(f[2])) return false;
    out->partner = f[2];
    return true;
  }
  if (w == wire::event::kShares) {
    out->type = BrokerEvent::Type::kShares;
    return f.size() == 3 && user_at(1) && parse_u64(f[2], &out->count);
  }
  if (w == wire::event::kChatRequest) {
    out->type = BrokerEvent::Type::kChatRequest;
    return f.size() == 3 && id_at(1) && user_at(2);
  }
  if (w == wire::event::kChatAccepted) {
    out->type = BrokerEvent::Type::kChatAccepted;
    if (f.size() != 7 || !id_at(1) || !user_at(2)) return false;
    if (!plausible_ip(f[3]) || !port_field(f[4], &out->port) || !plausible_token(f[5]) ||
        !parse_key_field(f[6], &out->key)) {
      return false;
    }
    out->ip = f[3];
    out->token = f[5];
    return true;
  }
  if (w == wire::event::kChatDeclined || w == wire::event::kChatCancelled) {
    out->type = w == wire::event::kChatDeclined ? BrokerEvent::Type::kChatDeclined
                                                : BrokerEvent::Type::kChatCancelled;
    if (f.size() != 4 || !id_at(1) || !user_at(2)) return false;
    out->reason = f[3];
    return true;
  }
  if (w == wire::event::kOffer) {
    out->type = BrokerEvent::Type::kOffer;
    if (f.size() != 6 || !id_at(1) || !user_at(2) || !safe_file_name(f[3])) return false;
    if (!parse_u64(f[4], &out->size) || !parse_sha256_hex(f[5], &out->sha256)) return false;
    out->file = f[3];
    return true;
  }
  if (w == wire::event::kOfferAnswer || w == wire::event::kOfferCancelled) {
    out->type = w == wire::event::kOfferAnswer ? BrokerEvent::Type::kOfferAnswer
                                               : BrokerEvent::Type::kOfferCancelled;
    if (f.size() != 4 || !id_at(1) || !user_at(2)) return false;
    out->reason = f[3];
    return true;
  }
  if (w == wire::event::kShutdown) {
    out->type = BrokerEvent::Type::kShutdown;
    return true;
  }
  if (w == wire::event::kResync) {
    out->type = BrokerEvent::Type::kResync;
    return true;
  }
  if (w == wire::event::kChanges) {
    out->type = BrokerEvent::Type::kChanges;
    out->changes.resize(4);
    if (f.size() != 5) return false;
    for (size_t i = 0; i < 4; ++i) {
      if (!parse_u64(f[i + 1], &out->changes[i])) return false;
    }
    return true;
  }
  out->type = BrokerEvent::Type::kOther;
  return true;
}

bool parse_user_line(const BrokerMessage& m, UserEntry* out) {
  const std::vector<std::string>& f = m.fields;
  if (m.kind != BrokerMessage::Kind::kOther || f.size() != 5 || f[0] != wire::body::kUser)
    return false;
  if (!valid_user_name(f[1]) || !plausible_ip(f[2]) || !port_field(f[3], &out->port) ||
      !parse_u64(f[4], &out->files)) {
    return false;
  }
  out->name = f[1];
  out->ip = f[2];
  return true;
}

bool parse_busy_line(const BrokerMessage& m, BusyEntry* out) {
  const std::vector<std::string>& f = m.fields;
  if (m.kind != BrokerMessage::Kind::kOther || f.size() != 3 || f[0] != wire::body::kBusy ||
      !valid_user_name(f[1]) || !valid_user_name(f[2])) {
    return false;
  }
  out->name = f[1];
  out->partner = f[2];
  return true;
}

bool parse_info_reply(const BrokerMessage& m, UserEntry* out) {
  const std::vector<std::string>& f = m.fields;
  if (!is_ok(m, wire::reply::kInfo) || f.size() != 4) return false;
  if (!valid_user_name(f[1]) || !plausible_ip(f[2]) || !port_field(f[3], &out->port)) return false;
  out->name = f[1];
  out->ip = f[2];
  out->files = 0;
  return true;
}

bool multi_line_count(const BrokerMessage& m, std::string_view word, size_t max, size_t* n) {
  uint64_t v = 0;
  if (!is_ok(m, word) || m.fields.size() != 2 || !parse_u64(m.fields[1], &v) || v > max) {
    return false;
  }
  *n = static_cast<size_t>(v);
  return true;
}

bool is_ok(const BrokerMessage& m, std::string_view word) {
  return m.kind == BrokerMessage::Kind::kOk && !m.fields.empty() && m.fields[0] == word;
}

bool plausible_ip(std::string_view ip) {
  if (ip.empty() || ip.size() > 64) return false;
  bool colon = false;
  for (char c : ip) {
    if (c == ':') colon = true;
    if (!is_hex(c) && c != '.' && c != ':' && c != '%') {
      // Scope names after '%' ("fe80::1%eth0") may hold any alphanumerics.
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum || ip.find('%') == std::string_view::npos) return false;
    }
  }
  // An IPv4 address has only digits and dots; letters belong to IPv6.
  if (!colon) {
    for (char c : ip) {
      if (c != '.' && (c < '0' || c > '9')) return false;
    }
  }
  return true;
}

bool parse_key_field(std::string_view text, std::string* hex) {
  if (text == wire::kNoKey) {
    hex->clear();
    return true;
  }
  return parse_sha256_hex(text, hex);  // the same shape: 64 hex digits
}

bool plausible_token(std::string_view token) {
  if (token.size() < 16 || token.size() > wire::kMaxSessionTokenChars) return false;
  for (char c : token) {
    if (!is_hex(c)) return false;
  }
  return true;
}

}  // namespace peerlink::lobby
