// The lobby's downloads (Lobby members): choosing what to download from whom, and downloading
// it in the background.
#include "client/lobby/lobby.h"

#include <algorithm>

#include "client/lobby/command_args.h"
#include "client/lobby/files.h"
#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

// Owners named in "downloading NAME ... from a, b, c".
constexpr size_t kOwnersNamed = 5;

bool looks_like_sha256(const std::string& text) {
  std::string lower;
  return parse_sha256_hex(text, &lower);
}

std::string owner_list(const std::vector<FetchSource>& sources) {
  std::string out;
  for (size_t i = 0; i < sources.size() && i < kOwnersNamed; ++i) {
    out += (i == 0 ? "" : ", ") + sources[i].owner;
  }
  if (sources.size() > kOwnersNamed) {
    out += " and " + std::to_string(sources.size() - kOwnersNamed) + " more";
  }
  return out;
}

}  // namespace

// ---- Downloading ----

void Lobby::get_file(const std::string& arg) {
  // NAME may hold spaces, so `get read me.txt bob` is first asked about as a whole, then as
  // NAME USER. A quoted NAME ("read me.txt" bob) is taken as typed.
  const std::vector<NameAndWords> readings = name_readings(arg, 0, 1);
  if (readings.empty()) {
    console_->print("usage: get NAME [USER] (NAME may be a sha256)", Style::kError);
    return;
  }
  std::string name, user;
  std::vector<FetchSource> owners;
  for (const NameAndWords& r : readings) {
    if (!r.words.empty() && !valid_user_name(r.words[0])) continue;
    // The broker matches a hash only in lower case.
    std::string key = r.name;
    if (std::string lower; parse_sha256_hex(key, &lower)) key = lower;
    std::optional<std::vector<FetchSource>> found = who_has(key);
    if (!found) return;
    name = key;
    user = r.words.empty() ? "" : r.words[0];
    owners = std::move(*found);
    if (!owners.empty()) break;
  }
  if (owners.empty()) {
    console_->print("nobody else shares " + printable(readings.front().name), Style::kError);
    return;
  }
  DownloadChoice choice = choose_download(std::move(owners), user);
  switch (choice.kind) {
    case DownloadChoice::Kind::kNobody:
      console_->print("nobody else shares " + printable(name), Style::kError);
      return;
    case DownloadChoice::Kind::kNotFromUser:
      console_->print(user + " does not share " + printable(name) + " (" +
                          owner_list(choice.sources) +
                          (choice.sources.size() == 1 ? " does)" : " do)"),
                      Style::kError);
      return;
    case DownloadChoice::Kind::kAmbiguous:
      console_->print(printable(name) + " is shared with different contents:", Style::kQuestion);
      for (const FetchSource& s : choice.sources) {
        console_->print("  " + s.owner + "  " + std::to_string(s.size) + " bytes  sha256 " +
                        short_sha(s.sha256));
      }
      console_->print("choose one: get " + printable(name) + " USER", Style::kQuestion);
      return;
    case DownloadChoice::Kind::kChosen:
      break;
  }
  // Everyone with these bytes can serve them, whatever they call the file: ask by hash.
  if (!looks_like_sha256(name)) {
    std::optional<std::vector<FetchSource>> same = who_has(choice.sha256);
    if (!same) return;
    std::vector<FetchSource> all = sources_with(*same, choice.size, choice.sha256);
    if (!all.empty()) choice.sources = std::move(all);
  }
  start_download(choice.name, choice.size, choice.sha256, std::move(choice.sources));
}

void Lobby::start_download(const std::string& name, uint64_t size, const std::string& sha256,
                           std::vector<FetchSource> sources) {
  const std::string local = sanitize_file_name(name);
  if (downloads_.running(local)) {
    console_->print(printable(local) + " is already being downloaded — see transfers",
                    Style::kError);
    return;
  }
  const std::string owners = owner_list(sources);
  DownloadRequest req{name, size, sha256, std::move(sources)};
  if (const Result started = downloads_.start(std::move(req)); !started) {
    console_->print("cannot download " + printable(local) + ": " + started.message(),
                    Style::kError);
    return;
  }
  resumes_.remove(local);  // a paused download of this name, if any, is this one now
  console_->print(
      "downloading " + printable(local) + " (" + std::to_string(size) + " bytes) from " + owners,
      Style::kNotice);
}

void Lobby::print_download_notices() {
  for (const DownloadNotice& n : downloads_.take_notices()) {
    console_->print(n.text, n.ok ? Style::kGood : Style::kError);
  }
}

void Lobby::stop_downloads(const std::string& why) {
  print_download_notices();  // what ended before is news, not a stop
  std::vector<std::string> names;
  for (const StoppedDownload& s : downloads_.stop_all()) names.push_back(s.name);
  // Paused by a chat session and not started again yet: stopped just the same.
  for (const PausedDownload& d : take_unresumed()) names.push_back(d.name);
  for (const std::string& name : names) {
    console_->print(
        "download of " + printable(name) + " " + why + " — get " + printable(name) + " resumes it",
        Style::kNotice);
  }
  print_download_notices();
}

}  // namespace peerlink::lobby
