// The broker protocol: one handler per request (docs/PROTOCOL.md, section 1).
#include <algorithm>
#include <ctime>

#include "common/base/hex.h"
#include "common/base/numbers.h"
#include "common/base/random.h"
#include "common/crypto/ticket.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "server/broker.h"

namespace peerlink::broker {
namespace {

std::string user_line(const User& u) {
  return LineWriter(wire::body::kUser)
      .field(u.name)
      .field(u.ip)
      .num(u.port)
      .num(u.file_count)
      .str();
}

// "EVENT <word> <id> <user> <outcome>": how a pending chat request or offer ended.
std::string event_line(std::string_view word, uint64_t id, const std::string& user,
                       std::string_view outcome) {
  return LineWriter(wire::kEvent).word(word).num(id).field(user).word(outcome).str();
}

// A user's key as the lines that vouch for it write it: 64 hex digits, or "-" for none.
std::string_view key_text(const User& u) {
  return u.key.empty() ? wire::kNoKey : std::string_view(u.key);
}

std::string file_line(const User& u, const FileInfo& f) {
  return LineWriter(wire::body::kFile)
      .field(u.name)
      .field(*f.name)
      .num(f.size)
      .word(f.sha256->hex())
      .str();
}

}  // namespace

void Broker::reply(Connection& c, const std::string& line, std::string_view query) {
  send(c, line);
  std::string first = line.substr(0, line.find('\n'));
  log_query(c, query, first);
}

void Broker::error(Connection& c, int code, const std::string& reason, std::string_view query) {
  reply(c, std::string(wire::kErr) + " " + std::to_string(code) + " " + reason + "\n", query);
}

void Broker::on_line(Connection& c, const std::string& line) {
  if (c.state == Connection::State::kAnnouncing) {
    on_announce_line(c, line);
    return;
  }
  auto raw = split_fields(line);
  if (raw.empty()) return;  // blank lines are harmless (people typing into nc)
  if (raw.size() > wire::kMaxFieldsPerLine) {
    error(c, wire::err::kTooLarge,
          "too many fields (limit " + std::to_string(wire::kMaxFieldsPerLine) + ")", raw[0]);
    return;
  }
  Fields f;
  f.reserve(raw.size());
  f.emplace_back(raw[0]);
  for (size_t i = 1; i < raw.size(); ++i) {
    std::string decoded;
    if (!percent_decode(raw[i], &decoded)) {
      error(c, wire::err::kBadRequest, "bad escape in field " + std::to_string(i), raw[0]);
      return;
    }
    f.push_back(std::move(decoded));
  }
  dispatch(c, f, line);
}

void Broker::dispatch(Connection& c, const Fields& f, std::string_view raw) {
  const std::string& cmd = f[0];
  using S = Connection::State;
  if (cmd == wire::request::kBye || cmd == wire::request::kQuit) {
    reply(c, LineWriter(wire::kOk).word(wire::reply::kBye).str(), cmd);
    close_after_reply(c);
    return;
  }
  if (cmd == wire::request::kPing) {
    return reply(c, LineWriter(wire::kOk).word(wire::reply::kPong).str(), cmd);
  }
  if (cmd == wire::request::kHello) return cmd_hello(c, f);
  if (c.state == S::kAwaitHello) return error(c, wire::err::kNotYet, "say HELLO first", cmd);
  if (cmd == wire::request::kRegister) return cmd_register(c, f);
  if (c.state != S::kRegistered) return error(c, wire::err::kNotYet, "REGISTER first", cmd);
  if (cmd == wire::request::kUsers) return cmd_users(c, f);
  if (cmd == wire::request::kInfo) return cmd_info(c, f);
  if (cmd == wire::request::kAnnounce) return cmd_announce(c, f);
  if (cmd == wire::request::kFiles) return cmd_files(c, f, false);
  if (cmd == wire::request::kSearch) return cmd_files(c, f, true);
  if (cmd == wire::request::kWhoHas) return cmd_whohas(c, f);
  if (cmd == wire::request::kChat) return cmd_chat(c, f);
  if (cmd == wire::request::kAccept) return cmd_chat_answer(c, f, true);
  if (cmd == wire::request::kDecline) return cmd_chat_answer(c, f, false);
  if (cmd == wire::request::kOffer) return cmd_offer(c, f);
  if (cmd == wire::request::kOfferAccept) return cmd_offer_answer(c, f, true);
  if (cmd == wire::request::kOfferDecline) return cmd_offer_answer(c, f, false);
  error(c, wire::err::kBadRequest, "unknown command " + percent_encode(cmd.substr(0, 32)),
        raw.substr(0, 40));
}

void Broker::cmd_hello(Connection& c, const Fields& f) {
  if (c.state != Connection::State::kAwaitHello)
    return error(c, wire::err::kConflict, "HELLO already said", "HELLO");
  const std::string& v = f.size() == 2 ? f[1] : std::string();
  auto dot = v.find('.');
  uint64_t major = 0, minor = 0;
  if (dot == std::string::npos || !parse_u64(v.substr(0, dot), &major) ||
      !parse_u64(v.substr(dot + 1), &minor)) {
    return error(c, wire::err::kBadRequest, "usage: HELLO <major>.<minor>, e.g. HELLO 1.0",
                 "HELLO");
  }
  if (major != static_cast<uint64_t>(wire::kProtocolMajor)) {
    error(c, wire::err::kBadVersion,
          "unsupported protocol version " + v + ", this broker speaks " +
              std::to_string(wire::kProtocolMajor) + ".x",
          "HELLO " + v);
    close_after_reply(c);
    return;
  }
  c.state = Connection::State::kAwaitRegister;
  reply(c,
        LineWriter(wire::kOk)
            .word(wire::reply::kHello)
            .word(std::to_string(wire::kProtocolMajor) + "." + std::to_string(wire::kProtocolMinor))
            .word(std::string("peerlink-broker/") + PEERLINK_VERSION)
            .str(),
        "HELLO " + v);
}

void Broker::cmd_register(Connection& c, const Fields& f) {
  if (c.state != Connection::State::kAwaitRegister) {
    return error(c, wire::err::kConflict, "already registered as " + c.user, "REGISTER");
  }
  if (f.size() != 4 && f.size() != 5) {
    return error(c, wire::err::kBadRequest,
                 "usage: REGISTER <name> <peer-port> <ticket-key> [<user-key>]", "REGISTER");
  }
  const std::string& name = f[1];
  std::string q = "REGISTER " + percent_encode(name);
  uint64_t port = 0;
  std::string key_bytes;
  if (!valid_user_name(name)) {
    return error(c, wire::err::kBadRequest,
                 "bad name: 1-32 of A-Z a-z 0-9 _ . -, starting and ending with a letter or "
                 "digit, no two of _ . - in a row",
                 q);
  }
  if (!parse_u64(f[2], &port) || port == 0 || port > 65535)
    return error(c, wire::err::kBadRequest, "bad port", q);
  if (f[3].size() != 2 * wire::kTicketKeyBytes || !from_hex(f[3], &key_bytes)) {
    return error(c, wire::err::kBadRequest, "bad ticket key: 64 hex digits expected", q);
  }
  // The user's key: on a Noise connection the one it proved (a key given must be that one); on
  // a plaintext connection the one it claims, if any, unverified.
  std::string user_key;
  if (f.size() == 5 && !parse_sha256_hex(f[4], &user_key)) {  // 64 hex digits, lower-cased
    return error(c, wire::err::kBadRequest, "bad user key: 64 hex digits expected", q);
  }
  const bool verified = c.transport() == Connection::Transport::kNoise;
  if (verified) {
    const std::string proved = c.noise_key_hex();
    if (f.size() == 5 && user_key != proved) {
      return error(c, wire::err::kBadRequest, std::string(wire::err::kKeyMismatch), q);
    }
    user_key = proved;
  }
  if (const User* taken = registry_.find(name); taken != nullptr) {
    // Names are unique ignoring case, so `Alice` cannot pass for `alice`.
    return error(c, wire::err::kConflict,
                 "name taken" + (taken->name == name ? std::string()
                                                     : " (as " + taken->name + ", ignoring case)"),
                 q);
  }
  // The name's binding (server/name_keys.h): a Noise registration claims or refreshes it; a
  // plaintext one never touches bindings and may only take a name no key holds.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (verified) {
    switch (names_.claim(name, c.noise_key(), now)) {
      case NameKeys::Claim::kBound:
      case NameKeys::Claim::kSame:
        break;
      case NameKeys::Claim::kTaken:
        return error(c, wire::err::kConflict, std::string(wire::err::kNameBelongsToAnotherKey), q);
      case NameKeys::Claim::kFull:
        return error(c, wire::err::kTooMany,
                     "the broker holds too many names bound to keys, try again later", q);
    }
  } else if (const NameKeys::Binding* b = names_.find(name);
             b != nullptr && !binding_expired(*b, now)) {
    return error(c, wire::err::kConflict, std::string(wire::err::kNameBelongsToAnotherKey), q);
  }
  User u;
  u.name = name;
  u.ip = c.ip();
  u.port = static_cast<uint16_t>(port);
  u.ticket_key = f[3];
  u.key = user_key;
  u.key_verified = verified;
  u.conn_id = c.id();
  registry_.add(std::move(u));
  busy_.returned(name, Clock::now());  // back from a session, if it was in one
  c.user = name;
  c.state = Connection::State::kRegistered;
  std::string old_label = c.label();
  c.set_label(name);
  reply(c, LineWriter(wire::kOk).word(wire::reply::kRegistered).field(name).field(c.ip()).str(),
        q + " from " + old_label);
  presence_.join(name, c.ip(), static_cast<uint16_t>(port));
}

std::string Broker::users_reply() const {
  std::string out = LineWriter(wire::kOk)
                        .word(wire::reply::kUsers)
                        .num(registry_.size() + busy_.busy_count())
                        .str();
  for (const auto& [name, u] : registry_.users()) out += user_line(u);
  for (const BusyTable::Record* r : busy_.busy_list()) {
    out += LineWriter(wire::body::kBusy).field(r->name).field(r->partner).str();
  }
  return out;
}

void Broker::cmd_users(Connection& c, const Fields&) { reply(c, users_reply(), "USERS"); }

void Broker::cmd_info(Connection& c, const Fields& f) {
  if (f.size() != 2) return error(c, wire::err::kBadRequest, "usage: INFO <user>", "INFO");
  std::string q = "INFO " + percent_encode(f[1]);
  const User* u = registry_.find(f[1]);
  if (u == nullptr) return error(c, wire::err::kNotFound, std::string(wire::err::kNoSuchUser), q);
  reply(
      c,
      LineWriter(wire::kOk).word(wire::reply::kInfo).field(u->name).field(u->ip).num(u->port).str(),
      q);
}

void Broker::cmd_announce(Connection& c, const Fields& f) {
  uint64_t n = 0;
  if (f.size() != 2 || !parse_u64(f[1], &n))
    return error(c, wire::err::kBadRequest, "usage: ANNOUNCE <count>", "ANNOUNCE");
  c.announce_files.clear();
  c.announce_error.clear();
  c.announce_left = static_cast<size_t>(n);
  const size_t held = registry_.find(c.user)->file_count;  // replaced if this one succeeds
  if (n > opt_.max_files_per_user) {
    c.announce_error = std::to_string(wire::err::kTooLarge) + " too many files (limit " +
                       std::to_string(opt_.max_files_per_user) + ")";
  } else if (files_held_ - held + n > opt_.max_total_files) {
    c.announce_error = std::to_string(wire::err::kTooLarge) +
                       " the broker holds too many files (limit " +
                       std::to_string(opt_.max_total_files) + " for all users)";
  } else {
    // Reserved now, so the FILE lines read meanwhile are within the bound too.
    c.announce_reserved = static_cast<size_t>(n);
    files_held_ += c.announce_reserved;
  }
  if (n == 0) {
    files_held_ -= held;
    registry_.set_files(c.user, {});
    reply(c, LineWriter(wire::kOk).word(wire::reply::kAnnounced).num(0).str(), "ANNOUNCE 0");
    presence_.shares(c.user, 0);
    return;
  }
  c.state = Connection::State::kAnnouncing;
}

void Broker::on_announce_line(Connection& c, const std::string& line) {
  auto raw = split_fields(line);
  if (c.announce_error.empty()) {
    SharedFile file;
    uint64_t size = 0;
    if (raw.size() != 4 || raw[0] != wire::request::kFile || !percent_decode(raw[1], &file.name) ||
        !parse_u64(raw[2], &size) || !parse_sha256_hex(raw[3], &file.sha256)) {
      c.announce_error = std::to_string(wire::err::kBadRequest) +
                         " bad FILE line: FILE <name> <size> <sha256-hex> expected";
    } else if (!safe_file_name(file.name) || file.name.size() > wire::kMaxFileNameBytes) {
      c.announce_error = std::to_string(wire::err::kBadRequest) + " bad file name " +
                         percent_encode(file.name.substr(0, 64));
    } else {
      file.size = size;
      std::string key = file.name;
      c.announce_files[key] = std::move(file);
    }
  }
  if (--c.announce_left > 0) return;
  c.state = Connection::State::kRegistered;
  files_held_ -= c.announce_reserved;  // the reservation ends; what is kept is counted below
  c.announce_reserved = 0;
  std::string q = "ANNOUNCE " + std::to_string(c.announce_files.size());
  if (!c.announce_error.empty()) {
    c.announce_files.clear();
    std::string err = c.announce_error;
    c.announce_error.clear();
    return reply(c, std::string(wire::kErr) + " " + err + "\n", q);
  }
  // The set is in place now (O(1)); indexing it for WHOHAS is a job within the per-turn budget,
  // and the reply (with the SHARES event) comes when it is done. The old set leaves the indexes
  // through Registry::collect().
  ListJob job;
  job.index = true;
  job.query = q;
  job.count = c.announce_files.size();
  files_held_ += job.count;
  files_held_ -= registry_.find(c.user)->file_count;
  job.generation = registry_.replace_files(c.user, std::move(c.announce_files));
  c.announce_files.clear();
  start_job(c, std::move(job));
}

void Broker::cmd_files(Connection& c, const Fields& f, bool search) {
  if (search || f.size() == 1) {
    ListJob job;
    job.search = search;
    if (search) {
      if (f.size() != 2) return error(c, wire::err::kBadRequest, "usage: SEARCH <text>", "SEARCH");
      job.query = "SEARCH " + percent_encode(f[1]);
      job.needle = fold_name(f[1]);
    } else {
      job.query = "FILES";
    }
    return start_job(c, std::move(job));
  }
  if (f.size() != 2) return error(c, wire::err::kBadRequest, "usage: FILES [user]", "FILES");
  std::string q = "FILES " + percent_encode(f[1]);
  const User* u = registry_.find(f[1]);
  if (u == nullptr) return error(c, wire::err::kNotFound, std::string(wire::err::kNoSuchUser), q);
  size_t n = 0;
  std::string lines;
  for (size_t i = 0; i < registry_.stored_count(*u) && n < opt_.max_reply_lines; ++i, ++n) {
    lines += file_line(*u, registry_.file_at(*u, i));  // at most max_files_per_user
  }
  reply(c, LineWriter(wire::kOk).word(wire::reply::kFiles).num(n).str() + lines, q);
}

void Broker::start_job(Connection& c, ListJob job) {
  // Most listings finish within this turn's budget and are answered at once.
  if (scan_budget_left_ > 0 && advance_job(c, job, scan_budget_left_)) return;
  c.busy = true;
  uint64_t id = c.id();
  jobs_[id] = std::move(job);
  job_order_.push_back(id);
}

bool Broker::advance_job(Connection& c, ListJob& job, size_t budget) {
  if (job.index) {
    size_t files = std::max<size_t>(1, budget / kIndexFileCost);
    bool done = registry_.index_some(c.user, job.generation, &job.index_pos, files);
    scan_budget_left_ -= std::min(scan_budget_left_, files * kIndexFileCost);
    if (!done) return false;
    reply(c, LineWriter(wire::kOk).word(wire::reply::kAnnounced).num(job.count).str(), job.query);
    presence_.shares(c.user, job.count);
    return true;
  }
  const size_t limit = opt_.max_reply_lines;
  if (job.count < limit) {
    size_t held = job.lines.size();
    size_t spent = registry_.scan(&job.cursor, budget, [&](const User& u, const FileInfo& file) {
      if (job.search && !name_contains(*file.name, job.needle)) return true;
      job.lines += file_line(u, file);
      return ++job.count < limit;
    });
    scan_budget_left_ -= std::min(spent, scan_budget_left_);
    total_output_ += job.lines.size() - held;  // listings in progress count as output
  }
  if (!job.cursor.done && job.count < limit) return false;
  // Moved out first: the reply can drop the connection, which uncounts what the job still holds.
  std::string lines = std::move(job.lines);
  job.lines.clear();
  total_output_ -= std::min(total_output_, lines.size());
  reply(c, LineWriter(wire::kOk).word(wire::reply::kFiles).num(job.count).str() + lines, job.query);
  return true;
}

void Broker::run_jobs() {
  constexpr size_t kMinSlice = 4096;  // so each job gets somewhere even when many share a turn
  for (size_t n = job_order_.size(), i = 0; i < n && scan_budget_left_ > 0; ++i) {
    uint64_t id = job_order_.front();
    job_order_.pop_front();
    auto job = jobs_.find(id);
    if (job == jobs_.end()) continue;  // its connection went away
    auto conn = conns_.find(id);
    if (conn == conns_.end() || conn->second->dead) {
      jobs_.erase(job);
      continue;
    }
    Connection& c = *conn->second;
    size_t slice = std::max(scan_budget_left_ / (n - i), kMinSlice);
    if (!advance_job(c, job->second, slice)) {
      job_order_.push_back(id);
      continue;
    }
    jobs_.erase(job);
    c.busy = false;
    process_input(c);  // the requests that waited behind it (may start another job)
  }
}

std::string Broker::owner_line(const User& owner, const SharedFile& f, const User& requester) {
  work_ += 16;  // an HMAC costs about as much as copying 1 KiB
  TicketFields t{owner.name, f.name, requester.name,
                 static_cast<int64_t>(std::time(nullptr)) + opt_.ticket_lifetime_s,
                 std::string(key_text(requester))};
  return LineWriter(wire::body::kOwner)
      .field(owner.name)
      .field(owner.ip)
      .num(owner.port)
      .field(f.name)
      .num(f.size)
      .word(f.sha256)
      .word(key_text(owner))
      .word(sign_ticket(owner.ticket_key, t))
      .str();
}

void Broker::cmd_whohas(Connection& c, const Fields& f) {
  if (f.size() != 2 && f.size() != 3)
    return error(c, wire::err::kBadRequest, "usage: WHOHAS <name-or-sha256> [<user>]", "WHOHAS");
  std::string q = "WHOHAS " + percent_encode(f[1]);
  std::string lines;
  size_t n = 0;
  const User* self = registry_.find(c.user);
  // The owner asked for first, if it shares the file.
  const User* named = f.size() == 3 ? registry_.find(f[2]) : nullptr;
  if (named == self) named = nullptr;
  if (named != nullptr) {
    if (std::optional<FileInfo> mine = registry_.owner_file(*named, f[1])) {
      lines += owner_line(*named, mine->copy(), *self);
      ++n;
    }
  }
  // Then a bounded sample, rotating over the owners (docs/PROTOCOL.md, WHOHAS): one ticket
  // signed per owner returned, however many there are.
  for (const auto& [u, file] : registry_.who_has(f[1], opt_.whohas_owners, self)) {
    if (n >= opt_.whohas_owners) break;
    if (u == named) continue;
    lines += owner_line(*u, file.copy(), *self);
    ++n;
  }
  reply(c, LineWriter(wire::kOk).word(wire::reply::kWhoHas).num(n).str() + lines, q);
}

void Broker::cmd_chat(Connection& c, const Fields& f) {
  if (f.size() != 2) return error(c, wire::err::kBadRequest, "usage: CHAT <user>", "CHAT");
  std::string q = "CHAT " + percent_encode(f[1]);
  const User* peer = registry_.find(f[1]);  // any case; the registered spelling from here on
  if (peer != nullptr && peer->name == c.user)
    return error(c, wire::err::kBadRequest, "cannot chat with yourself", q);
  if (peer == nullptr) {
    if (const BusyTable::Record* away = busy_.busy(f[1]); away != nullptr) {
      return error(c, wire::err::kConflict,
                   away->name + " " + std::string(wire::err::kInAChatWith) + " " + away->partner,
                   q);
    }
    return error(c, wire::err::kNotFound, std::string(wire::err::kNoSuchUser), q);
  }
  if (pending_.outgoing_chat(c.user) != nullptr)
    return error(c, wire::err::kConflict, "request already pending", q);
  if (pending_.chat_count() >= opt_.max_chats) {
    return error(c, wire::err::kTooMany,
                 "too many pending chat requests (broker limit " + std::to_string(opt_.max_chats) +
                     "), try again later",
                 q);
  }
  ChatRequest r;
  r.id = pending_.next_id();
  r.from = c.user;
  r.to = peer->name;
  r.deadline = Clock::now() + std::chrono::seconds(opt_.request_timeout_s);
  pending_.add_chat(r);
  reply(c, LineWriter(wire::kOk).word(wire::reply::kChat).num(r.id).str(), q);
  send_to_user(
      r.to, LineWriter(wire::kEvent).word(wire::event::kChatRequest).num(r.id).field(r.from).str());
}

void Broker::cmd_chat_answer(Connection& c, const Fields& f, bool accept) {
  const std::string_view cmd = accept ? wire::request::kAccept : wire::request::kDecline;
  uint64_t id = 0, port = 0;
  bool ok = f.size() == (accept ? 3u : 2u) && parse_u64(f[1], &id);
  if (ok && accept) ok = parse_u64(f[2], &port) && port > 0 && port <= 65535;
  if (!ok)
    return error(c, wire::err::kBadRequest,
                 accept ? "usage: ACCEPT <id> <port>" : "usage: DECLINE <id>", cmd);
  std::string q = std::string(cmd) + " " + std::to_string(id);
  ChatRequest* r = pending_.chat(id);
  if (r == nullptr || r->to != c.user) return error(c, wire::err::kNotFound, "no such request", q);
  ChatRequest req = *r;
  pending_.remove_chat(id);
  if (!accept) {
    reply(c, LineWriter(wire::kOk).word(wire::reply::kDecline).num(id).str(), q);
    send_to_user(req.from, LineWriter(wire::kEvent)
                               .word(wire::event::kChatDeclined)
                               .num(id)
                               .field(req.to)
                               .word(wire::outcome::kDeclined)
                               .str());
    return;
  }
  std::string token = random_hex(wire::kSessionTokenBytes);
  // Each side learns the other's key from the broker: the session checks it (wire contract).
  const User* requester = registry_.find(req.from);
  const User* target = registry_.find(c.user);
  const std::string requester_key(requester ? key_text(*requester) : wire::kNoKey);
  const std::string target_key(target ? key_text(*target) : wire::kNoKey);
  send(c, LineWriter(wire::kOk)
              .word(wire::reply::kAccept)
              .num(id)
              .word(token)
              .word(requester_key)
              .str());
  log_query(
      c, q,
      "OK ACCEPT " + std::to_string(id) + " (token sent to both)");  // secrets stay out of logs
  busy_.session_started(req.from, req.to, Clock::now());  // both are about to leave for it
  send_to_user(req.from, LineWriter(wire::kEvent)
                             .word(wire::event::kChatAccepted)
                             .num(id)
                             .field(req.to)
                             .field(c.ip())
                             .num(port)
                             .word(token)
                             .word(target_key)
                             .str());
}

void Broker::cmd_offer(Connection& c, const Fields& f) {
  if (f.size() < 5)
    return error(c, wire::err::kBadRequest, "usage: OFFER <name> <size> <sha256> <user>...",
                 "OFFER");
  std::string q = "OFFER " + percent_encode(f[1]);
  if (f.size() - 4 > wire::kMaxOfferTargets) {
    return error(c, wire::err::kTooLarge,
                 "too many users (limit " + std::to_string(wire::kMaxOfferTargets) + ")", q);
  }
  const User* self = registry_.find(c.user);
  std::optional<FileInfo> file = registry_.find_file(*self, f[1]);
  uint64_t size = 0;
  std::string sha;
  if (!file || !parse_u64(f[2], &size) || file->size != size || !parse_sha256_hex(f[3], &sha) ||
      file->sha256->hex() != sha) {
    return error(c, wire::err::kNotFound, "not shared: announce the file first", q);
  }
  if (pending_.offers_from(c.user) >= opt_.max_offers_per_user) {
    return error(c, wire::err::kTooMany,
                 "too many pending offers (limit " + std::to_string(opt_.max_offers_per_user) +
                     " per user): wait for answers",
                 q);
  }
  if (pending_.offer_count() >= opt_.max_offers) {
    return error(c, wire::err::kTooMany,
                 "too many pending offers (broker limit " + std::to_string(opt_.max_offers) +
                     "), try again later",
                 q);
  }
  PendingOffer o;
  o.id = pending_.next_id();
  o.from = c.user;
  o.file = file->copy();
  o.deadline = Clock::now() + std::chrono::seconds(opt_.offer_timeout_s);
  for (size_t i = 4; i < f.size(); ++i) {
    const User* target = registry_.find(f[i]);  // any case; stored as registered
    if (target != nullptr && target->name == c.user)
      return error(c, wire::err::kBadRequest, "cannot offer to yourself", q);
    if (target == nullptr) {
      return error(c, wire::err::kNotFound,
                   std::string(wire::err::kNoSuchUser) + " " + percent_encode(f[i]), q);
    }
    o.targets[target->name] = true;
  }
  pending_.add_offer(o);
  reply(c, LineWriter(wire::kOk).word(wire::reply::kOffer).num(o.id).num(o.targets.size()).str(),
        q);
  std::string ev = LineWriter(wire::kEvent)
                       .word(wire::event::kOffer)
                       .num(o.id)
                       .field(o.from)
                       .field(o.file.name)
                       .num(o.file.size)
                       .word(o.file.sha256)
                       .str();
  for (const auto& [user, waiting] : o.targets) send_to_user(user, ev);
}

void Broker::cmd_offer_answer(Connection& c, const Fields& f, bool accept) {
  const std::string_view cmd = accept ? wire::request::kOfferAccept : wire::request::kOfferDecline;
  uint64_t id = 0;
  if (f.size() != 2 || !parse_u64(f[1], &id))
    return error(c, wire::err::kBadRequest, "usage: " + std::string(cmd) + " <id>", cmd);
  std::string q = std::string(cmd) + " " + std::to_string(id);
  PendingOffer* o = pending_.offer(id);
  if (o == nullptr) return error(c, wire::err::kNotFound, "no such request", q);
  auto t = o->targets.find(c.user);
  if (t == o->targets.end() || !t->second)
    return error(c, wire::err::kNotFound, "no such request", q);
  t->second = false;
  const User* owner = registry_.find(o->from);
  if (accept && owner != nullptr) {
    std::string line =
        owner_line(*owner, o->file, *registry_.find(c.user));  // "OWNER ..." -> reuse its fields
    std::string head = LineWriter(wire::kOk).word(wire::reply::kOfferAccept).num(id).str();
    head.pop_back();  // the '\n': the OWNER line's fields follow
    reply(c, head + line.substr(wire::body::kOwner.size()), q);
  } else {
    reply(c, LineWriter(wire::kOk).word(cmd).num(id).str(), q);  // as asked, owner or not
  }
  send_to_user(o->from, LineWriter(wire::kEvent)
                            .word(wire::event::kOfferAnswer)
                            .num(id)
                            .field(c.user)
                            .word(accept ? wire::outcome::kAccepted : wire::outcome::kDeclined)
                            .str());
  bool any_waiting =
      std::any_of(o->targets.begin(), o->targets.end(), [](const auto& kv) { return kv.second; });
  if (!any_waiting) pending_.remove_offer(id);
}

void Broker::forget_user(const std::string& user) {
  for (uint64_t id : pending_.chats_of(user)) {
    ChatRequest* r = pending_.chat(id);
    if (r == nullptr) continue;
    ChatRequest req = *r;
    pending_.remove_chat(id);
    if (req.from == user) {
      send_to_user(req.to,
                   event_line(wire::event::kChatCancelled, id, req.from, wire::outcome::kGone));
    } else {
      send_to_user(req.from,
                   event_line(wire::event::kChatDeclined, id, req.to, wire::outcome::kGone));
    }
  }
  for (uint64_t id : pending_.offers_of(user)) {
    PendingOffer* o = pending_.offer(id);
    if (o == nullptr) continue;
    if (o->from == user) {
      for (const auto& [target, waiting] : o->targets) {
        if (waiting) {
          send_to_user(target,
                       event_line(wire::event::kOfferCancelled, id, user, wire::outcome::kGone));
        }
      }
      pending_.remove_offer(id);
      continue;
    }
    auto t = o->targets.find(user);
    if (t != o->targets.end() && t->second) {
      t->second = false;
      send_to_user(o->from, event_line(wire::event::kOfferAnswer, id, user, wire::outcome::kGone));
    }
  }
}

void Broker::expire_chat(uint64_t id) {
  ChatRequest* r = pending_.chat(id);
  if (r == nullptr) return;
  ChatRequest req = *r;
  pending_.remove_chat(id);
  log_line("chat request " + std::to_string(id) + " " + req.from + " -> " + req.to + " timed out");
  send_to_user(req.from,
               event_line(wire::event::kChatDeclined, id, req.to, wire::outcome::kTimeout));
  send_to_user(req.to,
               event_line(wire::event::kChatCancelled, id, req.from, wire::outcome::kTimeout));
}

void Broker::expire_offer(uint64_t id) {
  PendingOffer* o = pending_.offer(id);
  if (o == nullptr) return;
  for (auto& [user, waiting] : o->targets) {
    if (!waiting) continue;
    waiting = false;
    send_to_user(o->from, event_line(wire::event::kOfferAnswer, id, user, wire::outcome::kTimeout));
    send_to_user(user,
                 event_line(wire::event::kOfferCancelled, id, o->from, wire::outcome::kTimeout));
  }
  pending_.remove_offer(id);
}

}  // namespace peerlink::broker
