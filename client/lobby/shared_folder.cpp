// The lobby's shared folder: scans, announcing them, and the file server.
#include "client/lobby/shared_folder.h"

#include <optional>
#include <utility>
#include <vector>

#include "client/lobby/files.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"

namespace peerlink::lobby {
namespace {

ServeChildConfig serve_child_config(const ClientOptions& options, int listen_fd,
                                    const std::string& key, const X25519KeyPair& identity) {
  ServeChildConfig c;
  c.listen_fd = listen_fd;
  c.share = options.share;
  c.user = options.user;
  c.key = key;
  c.identity = identity;
  c.log = options.serve_log;
  c.max_rate = options.serve_max_rate;
  return c;
}

}  // namespace

SharedFolder::SharedFolder(LobbyConsole* console, BrokerLink* link, const ClientOptions& options,
                           UniqueFd file_listener, const std::string& key,
                           const X25519KeyPair& identity)
    : console_(console),
      link_(link),
      file_listener_(std::move(file_listener)),
      shares_(options.share),
      file_server_(serve_child_config(options, file_listener_.get(), key, identity)) {}

void SharedFolder::start() {
  if (const Result started = file_server_.start(); !started) {
    console_->print(
        "cannot start the file server: " + started.message() + " — others cannot download from you",
        Style::kError);
  }
  shares_.start_scan();
}

void SharedFolder::rescan() {
  if (!file_server_.running()) {
    if (const Result started = file_server_.start(); !started) {
      console_->print("cannot start the file server: " + started.message(), Style::kError);
    }
  }
  report_scan_ = true;
  if (!shares_.start_scan()) rescan_queued_ = true;  // one runs: look again once it is done
}

void SharedFolder::on_scan_ready() {
  if (std::optional<ShareScan> scan = shares_.take_scan()) on_scan(std::move(*scan));
}

void SharedFolder::on_scan(ShareScan scan) {
  std::vector<std::string> warnings;
  const bool changed = shares_.apply(std::move(scan), &warnings);
  for (const std::string& w : warnings) {
    console_->print("shared folder: " + printable(w), Style::kError);
  }
  const bool report = std::exchange(report_scan_, false);
  if (shares_.failed() && (changed || report)) {
    console_->print(
        "cannot read the shared folder: " + printable(shares_.error()) + " — sharing nothing",
        Style::kError);
  }
  if (shares_.announced()) {
    // Unchanged, and the broker has it: telling it again would only make everyone hear it again.
    if (report) say_sharing();
  } else if (link_->online()) {
    announce();
  } else if (changed || report) {
    console_->print("found " + files_count(shares_.files().size()) + " in " +
                        printable(shares_.dir()) + "; the broker is told once it is back",
                    Style::kNotice);
  }
  if (std::exchange(rescan_queued_, false)) {
    report_scan_ = true;
    shares_.start_scan();
  }
}

void SharedFolder::announce() {
  Expected<BrokerConn::Reply> r = link_->request(shares_.announce_request());
  if (!r.ok()) return;
  if (!is_ok(r->head, wire::reply::kAnnounced)) {
    console_->print("the broker refused the list of shared files: " + printable(r->head.reason),
                    Style::kError);
    return;
  }
  shares_.set_announced(true);
  say_sharing();
}

void SharedFolder::say_sharing() {
  const size_t n = shares_.files().size();
  std::string line = "sharing " + files_count(n) + " from " + printable(shares_.dir());
  if (shares_.found() > n) {
    line = "sharing " + std::to_string(n) + " of " + std::to_string(shares_.found()) +
           " files from " + printable(shares_.dir()) + " (the broker takes at most " +
           std::to_string(Shares::kMaxAnnounced) + ")";
  }
  // What was left out and why, in a word each (the per-file reasons of unreadable files are
  // said once, above): "sharing 12 files from DIR; skipped 3 (2 hidden, 1 symlink)".
  if (const std::string skipped = skipped_summary(shares_.skipped()); !skipped.empty()) {
    line += "; " + skipped;
  }
  console_->print(line, Style::kGood);
}

bool SharedFolder::ensure_announced(const std::string& name) {
  if (shares_.find(name) != nullptr && shares_.announced() && shares_.up_to_date()) return true;
  // The broker only relays offers of announced files: rescan now, in this thread (the user is
  // waiting for exactly this), after any scan under way.
  if (std::optional<ShareScan> pending = shares_.wait_scan()) on_scan(std::move(*pending));
  if (shares_.find(name) == nullptr || !shares_.up_to_date()) {
    report_scan_ = true;
    on_scan(scan_shared_folder(shares_.dir()));
  }
  if (!shares_.announced() && link_->online()) announce();
  if (shares_.find(name) == nullptr) {
    console_->print(printable(name) + " could not be shared (see the messages above)",
                    Style::kError);
    return false;
  }
  if (!shares_.announced()) {
    console_->print("cannot offer " + printable(name) +
                        ": the broker has not taken the list of "
                        "shared files",
                    Style::kError);
    return false;
  }
  return true;
}

void SharedFolder::tick(Clock::time_point now) {
  check_file_server();
  if (now >= shares_.next_poll() && shares_.poll(now)) shares_.start_scan();
}

void SharedFolder::check_file_server() {
  std::optional<std::string> why = file_server_.check();
  if (!why) return;
  if (file_server_.worth_restarting()) {
    console_->print("the file server stopped (" + *why + ") — starting it again", Style::kError);
    const Result started = file_server_.start();
    if (started) return;
    console_->print("cannot start the file server: " + started.message(), Style::kError);
  } else {
    console_->print("the file server stopped (" + *why +
                        "); others cannot download from you — type share to start it again",
                    Style::kError);
  }
}

void SharedFolder::pause() {
  file_server_.stop();
  (void)shares_.wait_scan();
}

void SharedFolder::resume() {
  if (const Result started = file_server_.start(); !started) {
    console_->print("cannot start the file server: " + started.message(), Style::kError);
  }
  shares_.start_scan();
}

}  // namespace peerlink::lobby
