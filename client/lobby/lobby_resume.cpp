// Downloads paused by a chat session (Lobby members): the lobby that execs a peer program writes
// them to the downloads folder's pause file, and the lobby the peer program starts afterwards
// resumes them by itself (docs/SHARING.md, "Downloads paused by a chat session").
#include "client/lobby/lobby.h"

#include "client/lobby/files.h"
#include "common/base/hex.h"
#include "common/fs/names.h"

namespace peerlink::lobby {

void Lobby::load_paused() {
  const std::string& dir = s_->options.downloads;
  const std::string& me = s_->options.user;
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
  // A check already running is not expected (pause_downloads() cancels it before the exec); one
  // that cannot start (no eventfd) neither. Either way: queue them unchecked.
  if (held_check_.busy() || !held_check_.start(list)) {
    for (PausedDownload& d : list) resumes_.add(std::move(d));
  }
}

void Lobby::on_held_check() {
  std::optional<HeldCheck::Result> r = held_check_.take();
  if (!r) return;
  for (const PausedDownload& d : r->held) {
    console_->print(printable(d.name) + " is already in " + printable(s_->options.downloads) +
                        " (same size and sha256) — not resuming its download",
                    Style::kNotice);
  }
  for (PausedDownload& d : r->resume) resumes_.add(std::move(d));
}

void Lobby::resume_paused(Clock::time_point now) {
  // Offline, no owner could have been seen: the wait for one does not run out meanwhile.
  if (!online()) return;
  for (const PausedDownload& d : resumes_.take_expired(now)) {
    const std::string name = printable(d.name);
    console_->print(
        "nobody shares " + name + " any more — its .part stays; get " + name + " resumes it later",
        Style::kError);
  }
  // One per loop turn: each asks the broker and waits for its answer, so typed commands and
  // events get their turn in between.
  if (done_) return;
  if (std::optional<PausedDownload> d = resumes_.next_due()) resume_one(*d, now);
}

void Lobby::resume_one(const PausedDownload& d, Clock::time_point now) {
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
  std::optional<std::vector<FetchSource>> found = who_has(d.sha256);
  if (done_) return;
  if (!found) {
    if (!online()) return;    // the broker was lost: it stays due, tried once we are back
    resumes_.remove(d.name);  // the broker refused (who_has said why)
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

std::vector<PausedDownload> Lobby::take_unresumed() {
  std::vector<PausedDownload> all = held_check_.cancel();
  for (PausedDownload& d : resumes_.take_all()) all.push_back(std::move(d));
  return all;
}

void Lobby::pause_downloads() {
  print_download_notices();  // what ended before is news, not a pause
  PausedDownloads paused;
  paused.user = s_->options.user;
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
  const Result saved =
      paused.downloads.empty() ? Result() : save_paused_file(s_->options.downloads, paused);
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
  print_download_notices();
}

}  // namespace peerlink::lobby
