// The lobby's downloads: `get`, starting and stopping them, and the downloads paused by a chat
// session (docs/SHARING.md, "Downloads paused by a chat session").
#include "client/lobby/download_manager.h"

#include <utility>

#include "client/lobby/command_args.h"
#include "client/lobby/files.h"
#include "common/base/hex.h"
#include "common/fs/names.h"

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

DownloadManager::DownloadManager(LobbyConsole* console, const BrokerLink* link,
                                 Directory* directory, const ClientOptions& options,
                                 const X25519KeyPair& identity)
    : console_(console),
      link_(link),
      directory_(directory),
      dir_(options.downloads),
      user_(options.user),
      downloads_(options.downloads, options.user, identity),
      held_check_(options.downloads) {}

void DownloadManager::tick(Clock::time_point now) {
  downloads_.reap();
  print_notices();
  resume_paused(now);
}

void DownloadManager::get(const std::string& arg) {
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
    user = r.words.empty() ? "" : r.words[0];
    std::optional<std::vector<FetchSource>> found = directory_->who_has(key, user);
    if (!found) return;
    name = key;
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
    std::optional<std::vector<FetchSource>> same = directory_->who_has(choice.sha256);
    if (!same) return;
    std::vector<FetchSource> all = sources_with(*same, choice.size, choice.sha256);
    if (!all.empty()) choice.sources = std::move(all);
  }
  start_download(choice.name, choice.size, choice.sha256, std::move(choice.sources));
}

void DownloadManager::start_download(const std::string& name, uint64_t size,
                                     const std::string& sha256, std::vector<FetchSource> sources) {
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

void DownloadManager::print_notices() {
  for (const DownloadNotice& n : downloads_.take_notices()) {
    if (!n.ok) ++failed_;
    console_->print(n.text, !n.final ? Style::kNotice : n.ok ? Style::kGood : Style::kError);
  }
}

void DownloadManager::stop(const std::string& why) {
  print_notices();  // what ended before is news, not a stop
  std::vector<std::string> names;
  for (const StoppedDownload& s : downloads_.stop_all()) names.push_back(s.name);
  // Paused by a chat session and not started again yet: stopped just the same.
  for (const PausedDownload& d : take_unresumed()) names.push_back(d.name);
  for (const std::string& name : names) {
    console_->print(
        "download of " + printable(name) + " " + why + " — get " + printable(name) + " resumes it",
        Style::kNotice);
  }
  print_notices();
}

// ---- Paused by a chat session ----

void DownloadManager::load_paused() {
  const std::string& dir = dir_;
  const std::string& me = user_;
  Expected<std::optional<PausedDownloads>> loaded = load_paused_file(dir, me);
  if (!loaded) {
    // Nothing in it can be trusted, and keeping it would warn again at every start.
    std::string line = "ignoring " + printable(dir) + "/" + paused_file_name(me) + ": " +
                       printable(loaded.message()) +
                       " — no paused download is resumed (get NAME resumes one)";
    if (const Result removed = remove_paused_file(dir, me); !removed) {
      line += "; " + printable(removed.message());
    }
    console_->print(line, Style::kError);
    return;
  }
  if (!loaded->has_value()) return;
  PausedDownloads paused = std::move(**loaded);
  // Consumed before anything is resumed: a lobby that dies now leaves the .part files, which
  // `get` resumes, rather than a list that would start the same downloads again and again.
  if (const Result removed = remove_paused_file(dir, me); !removed) {
    console_->print(printable(removed.message()), Style::kError);
  }
  std::vector<PausedDownload> list = std::move(paused.downloads);
  if (list.empty()) return;
  // A check already running is not expected (pause() cancels it before the exec); one
  // that cannot start (no eventfd) neither. Either way: queue them unchecked.
  if (held_check_.busy() || !held_check_.start(list)) {
    for (PausedDownload& d : list) resumes_.add(std::move(d));
  }
}

void DownloadManager::on_held_check() {
  std::optional<HeldCheck::Result> r = held_check_.take();
  if (!r) return;
  for (const PausedDownload& d : r->held) {
    console_->print(printable(d.name) + " is already in " + printable(dir_) +
                        " (same size and sha256) — not resuming its download",
                    Style::kNotice);
  }
  for (PausedDownload& d : r->resume) resumes_.add(std::move(d));
}

void DownloadManager::resume_paused(Clock::time_point now) {
  // Offline, no owner could have been seen: the wait for one does not run out meanwhile.
  if (!link_->online()) return;
  for (const PausedDownload& d : resumes_.take_expired(now)) {
    const std::string name = printable(d.name);
    console_->print(
        "nobody shares " + name + " any more — its .part stays; get " + name + " resumes it later",
        Style::kError);
  }
  // One per loop turn: each asks the broker and waits for its answer, so typed commands and
  // events get their turn in between.
  if (link_->left()) return;
  if (std::optional<PausedDownload> d = resumes_.next_due()) resume_one(*d, now);
}

void DownloadManager::resume_one(const PausedDownload& d, Clock::time_point now) {
  // A `get` (or an accepted offer) of the same name was quicker: one download is enough, and
  // after it has finished a second would only make "NAME (1)".
  if (downloads_.running(d.name) || downloads_.finished(d.name)) {
    resumes_.remove(d.name);
    console_->print("download of " + printable(d.name) + " not resumed: a download of that name " +
                        (downloads_.running(d.name) ? "is running" : "has finished") +
                        " in this lobby",
                    Style::kNotice);
    return;
  }
  // By hash, like `get` after it has chosen: every owner of these bytes, whatever the name.
  std::optional<std::vector<FetchSource>> found = directory_->who_has(d.sha256);
  if (link_->left()) return;
  if (!found) {
    if (!link_->online()) return;  // the broker was lost: it stays due, tried once we are back
    resumes_.remove(d.name);       // the broker refused (who_has said why)
    console_->print("download of " + printable(d.name) + " not resumed — get " + printable(d.name) +
                        " resumes it",
                    Style::kError);
    return;
  }
  std::vector<FetchSource> sources = sources_with(*found, d.size, d.sha256);
  if (sources.empty()) {
    if (resumes_.wait_for_owner(d.name, now)) {
      console_->print("nobody shares " + printable(d.name) + " right now — waiting up to " +
                          std::to_string(ResumeQueue::kOwnerWait.count()) +
                          " s for an owner to come back",
                      Style::kNotice);
    }
    return;
  }
  resumes_.remove(d.name);
  console_->print("resuming " + printable(d.name) + " (paused for the chat session)",
                  Style::kNotice);
  start_download(d.name, d.size, d.sha256, std::move(sources));
}

std::vector<PausedDownload> DownloadManager::take_unresumed() {
  std::vector<PausedDownload> all = held_check_.cancel();
  for (PausedDownload& d : resumes_.take_all()) all.push_back(std::move(d));
  return all;
}

void DownloadManager::pause() {
  print_notices();  // what ended before is news, not a pause
  PausedDownloads paused;
  paused.user = user_;
  std::vector<PausedDownload> unsaved;
  for (StoppedDownload& s : downloads_.stop_all()) {
    PausedDownload d{std::move(s.name), s.size, ""};
    // Checked like the reader will: one odd entry must not make the next lobby refuse them all.
    const bool ok = parse_sha256_hex(s.sha256, &d.sha256) && safe_file_name(d.name) &&
                    sanitize_file_name(d.name) == d.name;
    (ok ? paused.downloads : unsaved).push_back(std::move(d));
  }
  // Still waiting from an earlier session (or for an owner): they stay paused. Never two of one
  // name; the file keeps at most kMaxPausedDownloads.
  for (PausedDownload& d : take_unresumed()) {
    bool listed = false;
    for (const PausedDownload& p : paused.downloads) listed = listed || p.name == d.name;
    if (!listed) paused.downloads.push_back(std::move(d));
  }
  if (paused.downloads.size() > kMaxPausedDownloads) {
    unsaved.insert(unsaved.end(), paused.downloads.begin() + kMaxPausedDownloads,
                   paused.downloads.end());
    paused.downloads.resize(kMaxPausedDownloads);
  }
  const Result saved = paused.downloads.empty() ? Result() : save_paused_file(dir_, paused);
  if (!saved) {
    console_->print("cannot remember the paused downloads: " + printable(saved.message()),
                    Style::kError);
    unsaved.insert(unsaved.begin(), paused.downloads.begin(), paused.downloads.end());
    paused.downloads.clear();
  }
  for (const PausedDownload& d : paused.downloads) {
    console_->print("download of " + printable(d.name) +
                        " paused for the chat session — it resumes when you are back in the lobby",
                    Style::kNotice);
  }
  for (const PausedDownload& d : unsaved) {
    console_->print("download of " + printable(d.name) + " paused for the chat session — get " +
                        printable(d.name) + " resumes it",
                    Style::kNotice);
  }
  print_notices();
}

}  // namespace peerlink::lobby
