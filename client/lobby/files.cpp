// The shared-file directory as the lobby sees it.
#include "client/lobby/files.h"
#include "common/base/hex.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/base/numbers.h"
#include "common/fs/names.h"
#include "common/term/progress.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

// Rebuilds an OWNER line from decoded fields owner..ticket (owner-key before the ticket) and parses
// it, so both ways in share one set of checks (parse_owner_line).
bool owner_from_fields(const std::vector<std::string>& f, size_t first, FetchSource* out) {
  if (f.size() != first + 8) return false;
  LineWriter w(wire::body::kOwner);
  for (size_t i = first; i < f.size(); ++i) w.field(f[i]);
  std::string line = w.str();
  line.pop_back();
  Expected<FetchSource> parsed = parse_owner_line(line);
  if (!parsed) return false;
  *out = std::move(*parsed);
  return true;
}

bool by_owner(const FetchSource& a, const FetchSource& b) { return a.owner < b.owner; }

// Sorted by owner, the first line of each owner kept (the broker sends one per owner and file).
std::vector<FetchSource> one_per_owner(std::vector<FetchSource> owners) {
  std::stable_sort(owners.begin(), owners.end(), by_owner);
  owners.erase(
      std::unique(owners.begin(), owners.end(),
                  [](const FetchSource& a, const FetchSource& b) { return a.owner == b.owner; }),
      owners.end());
  return owners;
}

}  // namespace

bool parse_file_line(const BrokerMessage& m, FileEntry* out) {
  const std::vector<std::string>& f = m.fields;
  if (m.kind != BrokerMessage::Kind::kOther || f.size() != 5 || f[0] != wire::body::kFile)
    return false;
  FileEntry e;
  if (!valid_user_name(f[1]) || f[2].empty() || !parse_u64(f[3], &e.size) ||
      !parse_sha256_hex(f[4], &e.sha256)) {
    return false;
  }
  e.owner = f[1];
  e.name = f[2];
  *out = std::move(e);
  return true;
}

bool parse_owner_message(const BrokerMessage& m, FetchSource* out) {
  if (m.kind != BrokerMessage::Kind::kOther || m.fields.empty() ||
      m.fields[0] != wire::body::kOwner) {
    return false;
  }
  return owner_from_fields(m.fields, 1, out);
}

bool parse_offer_accept(const BrokerMessage& m, uint64_t id, FetchSource* out) {
  uint64_t got = 0;
  if (!is_ok(m, wire::reply::kOfferAccept) || m.fields.size() != 10 ||
      !parse_u64(m.fields[1], &got) || got != id) {
    return false;
  }
  return owner_from_fields(m.fields, 2, out);
}

std::string owner_line(const FetchSource& s) { return format_owner_line(s); }

std::string short_sha(std::string_view sha256) { return std::string(sha256.substr(0, 12)); }

std::string files_count(size_t n) {
  if (n == 0) return "no files";
  return std::to_string(n) + (n == 1 ? " file" : " files");
}

ListingStyle listing_style(bool interactive, bool exact_bytes) {
  ListingStyle style;
  style.encoded = !interactive;
  style.human_sizes = interactive && !exact_bytes;
  return style;
}

std::string listed_name(std::string_view name, ListingStyle style) {
  return style.encoded ? percent_encode(name) : printable(name);
}

std::string listed_size(uint64_t bytes, ListingStyle style) {
  return style.human_sizes ? format_size(bytes) : std::to_string(bytes) + " bytes";
}

std::string file_line(const FileEntry& f, ListingStyle style) {
  return "  " + listed_name(f.owner, style) + "  " + listed_name(f.name, style) + "  " +
         listed_size(f.size, style) + "  sha256 " + short_sha(f.sha256);
}

std::vector<FetchSource> sources_with(const std::vector<FetchSource>& owners, uint64_t size,
                                      std::string_view sha256) {
  std::vector<FetchSource> out;
  for (const FetchSource& s : owners) {
    if (s.size == size && s.sha256 == sha256) out.push_back(s);
  }
  return one_per_owner(std::move(out));
}

DownloadChoice choose_download(std::vector<FetchSource> owners, std::string_view user) {
  DownloadChoice choice;
  choice.sources = one_per_owner(std::move(owners));
  if (choice.sources.empty()) return choice;

  const FetchSource* pick = &choice.sources.front();
  if (!user.empty()) {
    auto it = std::find_if(choice.sources.begin(), choice.sources.end(),
                           [&](const FetchSource& s) { return s.owner == user; });
    if (it == choice.sources.end()) {
      choice.kind = DownloadChoice::Kind::kNotFromUser;
      return choice;
    }
    pick = &*it;
  } else {
    std::set<std::pair<uint64_t, std::string>> contents;
    for (const FetchSource& s : choice.sources) contents.emplace(s.size, s.sha256);
    if (contents.size() > 1) {
      choice.kind = DownloadChoice::Kind::kAmbiguous;
      return choice;
    }
  }
  choice.kind = DownloadChoice::Kind::kChosen;
  choice.name = pick->file;
  choice.size = pick->size;
  choice.sha256 = pick->sha256;
  choice.sources = sources_with(choice.sources, choice.size, choice.sha256);
  return choice;
}

}  // namespace peerlink::lobby
