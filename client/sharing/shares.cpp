// What the lobby shares.
#include "client/sharing/shares.h"

#include <algorithm>
#include <utility>

#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {

bool Shares::poll(Clock::time_point now) {
  next_poll_ = now + kPollInterval;
  if (!have_scan_ || scanner_.busy()) return false;  // a scan is on its way anyway
  std::string fingerprint = share_fingerprint(dir_);
  const bool still = fingerprint == last_polled_;
  last_polled_ = std::move(fingerprint);
  return still && last_polled_ != scan_.fingerprint;
}

bool Shares::up_to_date() const {
  return have_scan_ && share_fingerprint(dir_) == scan_.fingerprint;
}

bool Shares::apply(ShareScan scan, std::vector<std::string>* fresh_warnings) {
  for (const std::string& w : scan.warnings) {
    if (std::find(scan_.warnings.begin(), scan_.warnings.end(), w) == scan_.warnings.end()) {
      fresh_warnings->push_back(w);
    }
  }
  found_ = scan.files.size();
  if (scan.files.size() > kMaxAnnounced) scan.files.resize(kMaxAnnounced);
  const bool changed = !have_scan_ || scan.ok != scan_.ok || scan.files != scan_.files;
  // The fingerprint of this scan's listing is also what the next poll compares with.
  last_polled_ = scan.fingerprint;
  scan_ = std::move(scan);
  have_scan_ = true;
  if (changed) announced_ = false;
  return changed;
}

const ShareEntry* Shares::find(std::string_view name) const {
  auto it = std::lower_bound(scan_.files.begin(), scan_.files.end(), name,
                             [](const ShareEntry& e, std::string_view n) { return e.name < n; });
  return it != scan_.files.end() && it->name == name ? &*it : nullptr;
}

std::string Shares::announce_request() const {
  std::string out = LineWriter(wire::request::kAnnounce).num(scan_.files.size()).str();
  for (const ShareEntry& e : scan_.files) {
    out += LineWriter(wire::request::kFile).field(e.name).num(e.size).word(e.sha256).str();
  }
  return out;
}

}  // namespace peerlink::lobby
