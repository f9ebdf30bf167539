// Directory events collected into batches (server/presence.h).
#include "server/presence.h"

#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::broker {

namespace {
constexpr size_t kLineEstimate = 48;  // "EVENT JOIN <name> <ip> <port> <count>\n", about
}  // namespace

PresenceBatch::Delta* PresenceBatch::last_of(std::string_view user) {
  auto it = last_.find(std::string(user));
  if (it == last_.end() || deltas_[it->second].kind == Kind::kVoid) return nullptr;
  return &deltas_[it->second];
}

PresenceBatch::Delta& PresenceBatch::add(Kind kind, std::string_view user) {
  deltas_.push_back(Delta{kind, std::string(user), {}, 0, false, 0});
  last_[std::string(user)] = deltas_.size() - 1;
  ++live_;
  bytes_ += kLineEstimate + user.size();
  return deltas_.back();
}

void PresenceBatch::drop(size_t i) {
  deltas_[i].kind = Kind::kVoid;
  --live_;
}

void PresenceBatch::join(std::string_view user, std::string_view ip, uint16_t port) {
  Delta& d = add(Kind::kJoin, user);
  d.text = std::string(ip);
  d.port = port;
}

void PresenceBatch::shares(std::string_view user, uint64_t count) {
  if (Delta* d = last_of(user);
      d != nullptr && (d->kind == Kind::kJoin || d->kind == Kind::kShares)) {
    d->has_count = true;  // merged into the JOIN, or the newer count replaces the older
    d->count = count;
    return;
  }
  Delta& d = add(Kind::kShares, user);
  d.has_count = true;
  d.count = count;
}

void PresenceBatch::leave(std::string_view user) {
  auto it = last_.find(std::string(user));
  if (it != last_.end() && deltas_[it->second].kind == Kind::kJoin) {
    drop(it->second);  // joined and left within one batch: nobody needs to hear of it
    last_.erase(it);
    return;
  }
  if (it != last_.end() && deltas_[it->second].kind == Kind::kShares) drop(it->second);
  add(Kind::kLeave, user);
}

void PresenceBatch::busy(std::string_view user, std::string_view partner) {
  Delta& d = add(Kind::kBusy, user);
  d.text = std::string(partner);
}

std::string PresenceBatch::Batch::for_user(const std::string& user) const {
  auto it = own.find(user);
  if (it == own.end()) return text;
  std::string out;
  size_t at = 0;
  for (const auto& [begin, end] : it->second) {
    out.append(text, at, begin - at);
    at = end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::string PresenceBatch::Batch::summary() const {
  return LineWriter(wire::kEvent)
      .word(wire::event::kChanges)
      .num(joined)
      .num(left)
      .num(busy)
      .num(shares)
      .str();
}

PresenceBatch::Batch PresenceBatch::take() {
  Batch batch;
  std::string& out = batch.text;
  out.reserve(bytes_);
  for (const Delta& d : deltas_) {
    LineWriter w(wire::kEvent);
    switch (d.kind) {
      case Kind::kVoid:
        continue;
      case Kind::kJoin:
        ++batch.joined;
        w.word(wire::event::kJoin).field(d.user).field(d.text).num(d.port);
        if (d.has_count) w.num(d.count);
        break;
      case Kind::kShares:
        ++batch.shares;
        w.word(wire::event::kShares).field(d.user).num(d.count);
        break;
      case Kind::kLeave:
        ++batch.left;
        w.word(wire::event::kLeave).field(d.user);
        break;
      case Kind::kBusy:
        ++batch.busy;
        w.word(wire::event::kBusy).field(d.user).field(d.text);
        break;
    }
    const size_t begin = out.size();
    out += w.str();
    batch.own[d.user].push_back({begin, out.size()});
    ++batch.lines;
  }
  deltas_.clear();
  last_.clear();
  live_ = 0;
  bytes_ = 0;
  return batch;
}

}  // namespace peerlink::broker
