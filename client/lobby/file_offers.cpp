// File offers, both ways.
#include "client/lobby/file_offers.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "client/lobby/command_args.h"
#include "client/lobby/files.h"
#include "client/sharing/send_path.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : ", ") + words[i];
  return out;
}

}  // namespace

// ---- Our offers ----

void FileOffers::send(const std::string& arg) {
  const std::vector<NameAndWords> readings = name_readings(arg, 1, wire::kMaxOfferTargets);
  if (readings.empty()) {
    console_->print(
        "usage: send PATH USER... (a PATH with spaces may be quoted: send \"my "
        "file.txt\" bob)",
        Style::kError);
    return;
  }
  // The longest PATH that names a file wins: `send read me.txt bob` means "read me.txt".
  const std::string& share = share_;
  const NameAndWords* pick = &readings.front();
  SendPath where = resolve_send_path(share, pick->name);
  for (const NameAndWords& r : readings) {
    SendPath w = resolve_send_path(share, r.name);
    if (w.status != SendPath::Status::kMissing) {
      pick = &r;
      where = std::move(w);
      break;
    }
  }
  const std::string typed = printable(pick->name);
  switch (where.status) {
    case SendPath::Status::kShared:
      break;
    case SendPath::Status::kMissing:
      console_->print(typed + ": no such file in your shared folder " + printable(share),
                      Style::kError);
      return;
    case SendPath::Status::kOutside:
      console_->print(typed + " is not in your shared folder " + printable(share) +
                          " — copy it there first (the file server only serves that folder)",
                      Style::kError);
      return;
    case SendPath::Status::kSubfolder:
      console_->print(typed +
                          " is in a subfolder of your shared folder; only its top level is "
                          "shared — copy it to " +
                          printable(share) + " first",
                      Style::kError);
      return;
    case SendPath::Status::kNotRegular:
      console_->print(typed + " is not a regular file", Style::kError);
      return;
    case SendPath::Status::kHidden:
      console_->print(typed +
                          " is never shared: hidden names (a leading '.') and names with "
                          "control characters are not",
                      Style::kError);
      return;
  }

  std::vector<std::string> users;
  for (const std::string& u : pick->words) {
    if (!valid_user_name(u)) {
      directory_->say_no_such_user(u);
      return;
    }
    if (u == user_) {
      console_->print("you cannot send a file to yourself", Style::kError);
      return;
    }
    if (std::find(users.begin(), users.end(), u) == users.end()) users.push_back(u);
  }
  if (!shared_->ensure_announced(where.name)) return;
  const ShareEntry* e = shared_->find(where.name);

  LineWriter w(wire::request::kOffer);
  w.field(e->name).num(e->size).word(e->sha256);
  for (const std::string& u : users) w.field(u);
  Expected<BrokerConn::Reply> r = link_->request(w.str());
  if (!r.ok()) return;
  const std::string name = printable(e->name);
  if (is_ok(r->head, wire::reply::kOffer) && r->head.fields.size() == 3) {
    const uint64_t id = std::strtoull(r->head.fields[1].c_str(), nullptr, 10);
    offers_out_[id] = OfferOut{e->name, std::set<std::string>(users.begin(), users.end())};
    console_->print("offered " + name + " (" + std::to_string(e->size) + " bytes) to " +
                        join(users) + " — waiting for " +
                        (users.size() == 1 ? "the answer" : "answers"),
                    Style::kNotice);
    return;
  }
  const std::string& reason = r->head.reason;
  const std::string kNoSuchUser = std::string(wire::err::kNoSuchUser) + " ";
  if (r->head.code == wire::err::kNotFound && reason.rfind(kNoSuchUser, 0) == 0) {
    std::string who;
    if (!percent_decode(reason.substr(kNoSuchUser.size()), &who)) who = "?";
    directory_->say_no_such_user(who);
    console_->print("nothing was offered", Style::kError);
  } else {
    console_->print("cannot offer " + name + ": " + printable(reason), Style::kError);
  }
}

// ---- Offer events ----

void FileOffers::handle_event(const BrokerEvent& e) {
  if (e.type == BrokerEvent::Type::kOffer) {
    Question q;
    q.kind = Question::Kind::kOffer;
    q.id = e.id;
    q.from = e.user;
    q.file = e.file;
    q.size = e.size;
    q.sha256 = e.sha256;
    // The broker gives up on the offer then (PROTOCOL.md, "File offers"): forget it here too.
    q.expires = Clock::now() + wire::kOfferTimeout;
    prompts_->add(std::move(q));
    return;
  }
  if (e.type == BrokerEvent::Type::kOfferCancelled) {
    bool was_front = false;
    std::optional<Question> q = prompts_->remove_if(
        [&](const Question& x) { return x.kind == Question::Kind::kOffer && x.id == e.id; },
        &was_front);
    if (!q) return;  // already answered, or expired here first
    console_->print("the offer of " + printable(q->file) + " from " + q->from +
                        (e.reason == wire::outcome::kGone ? " was withdrawn (" + q->from + " left)"
                                                          : " timed out"),
                    Style::kNotice);
    if (was_front) prompts_->ask_next();
    return;
  }
  // An answer to one of our offers.
  auto it = offers_out_.find(e.id);
  if (it == offers_out_.end() || it->second.waiting.erase(e.user) == 0) return;
  const std::string file = printable(it->second.file);
  if (e.reason == wire::outcome::kAccepted) {
    console_->print(e.user + " accepted " + file, Style::kGood);
  } else if (e.reason == wire::outcome::kDeclined) {
    console_->print(e.user + " declined " + file, Style::kNotice);
  } else if (e.reason == wire::outcome::kTimeout) {
    console_->print(e.user + " did not answer (" + file + ")", Style::kNotice);
  } else if (e.reason == wire::outcome::kGone) {
    console_->print(e.user + " left (" + file + ")", Style::kNotice);
  } else {
    console_->print(e.user + ": " + printable(e.reason) + " (" + file + ")", Style::kNotice);
  }
  if (it->second.waiting.empty()) offers_out_.erase(it);
}

void FileOffers::answer(const Question& q, bool yes) {
  const std::string what = printable(q.file) + " from " + q.from;
  const std::string local = sanitize_file_name(q.file);
  if (yes && downloads_->running(local)) {
    console_->print("a download of " + printable(local) + " is running — declining " + what,
                    Style::kError);
    yes = false;
  }
  Expected<BrokerConn::Reply> r = link_->request(
      LineWriter(yes ? wire::request::kOfferAccept : wire::request::kOfferDecline).num(q.id).str());
  if (!r.ok()) return;
  if (r->head.kind == BrokerMessage::Kind::kErr) {
    console_->print(r->head.code == wire::err::kNotFound
                        ? "the offer of " + what + " is no longer open"
                        : "cannot answer the offer of " + what + ": " + printable(r->head.reason),
                    Style::kError);
    return;
  }
  if (!yes) {
    console_->print("declined " + what, Style::kNotice);
    return;
  }
  FetchSource source;
  if (!parse_offer_accept(r->head, q.id, &source) || source.size != q.size ||
      source.sha256 != q.sha256) {
    console_->print("the broker answered the accept with nonsense", Style::kError);
    return;
  }
  console_->print("accepted " + what, Style::kGood);
  downloads_->start_download(q.file, q.size, q.sha256, {std::move(source)});
}

void FileOffers::expire(Clock::time_point now) {
  for (;;) {
    bool was_front = false;
    std::optional<Question> q = prompts_->remove_if(
        [&](const Question& x) { return x.kind == Question::Kind::kOffer && x.expires <= now; },
        &was_front);
    if (!q) return;
    console_->print("the offer of " + printable(q->file) + " from " + q->from + " timed out",
                    Style::kNotice);
    if (was_front) prompts_->ask_next();
  }
}

void FileOffers::withdraw_from(const std::string& user) {
  // The broker drops the offers of a user who leaves without telling their receivers.
  for (;;) {
    bool was_front = false;
    std::optional<Question> q = prompts_->remove_if(
        [&](const Question& x) { return x.kind == Question::Kind::kOffer && x.from == user; },
        &was_front);
    if (!q) return;
    console_->print(
        "offer of " + printable(q->file) + " from " + user + " withdrawn (" + user + " left)",
        Style::kNotice);
    if (was_front) prompts_->ask_next();
  }
}

}  // namespace peerlink::lobby
