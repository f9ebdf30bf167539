// The lobby's downloads: `get` (choosing what to download from whom), the download children
// (Downloads), and the downloads a chat session paused: written to the pause file before the
// exec, checked against the files already held (HeldCheck) and resumed one by one (ResumeQueue)
// by the next lobby (docs/SHARING.md, "Downloads paused by a chat session").
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/downloads/downloads.h"
#include "client/downloads/held_check.h"
#include "client/downloads/paused.h"
#include "client/downloads/resume_queue.h"
#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/lobby/directory.h"
#include "client/options.h"
#include "common/crypto/x25519.h"
#include "common/handoff/fetch_sources.h"

namespace peerlink::lobby {

// Lobby thread only. Asks for owners through `directory`, looks at `link` to know whether the
// broker can be asked at all, prints on `console` (none of them owned). Stops the downloads
// only when told (stop(), pause()); destroying it leaves that to Downloads.
class DownloadManager {
 public:
  using Clock = std::chrono::steady_clock;

  // `identity`: the user's static key pair, which the downloaders prove.
  DownloadManager(LobbyConsole* console, const BrokerLink* link, Directory* directory,
                  const ClientOptions& options, const X25519KeyPair& identity);

  // `get NAME [USER]`.
  void get(const std::string& arg);
  // Starts downloading NAME from `sources` (all with these bytes), or says why not.
  void start_download(const std::string& name, uint64_t size, const std::string& sha256,
                      std::vector<FetchSource> sources);
  bool running(const std::string& local_name) const { return downloads_.running(local_name); }
  // `transfers`: names percent-encoded for a script (not a terminal).
  std::vector<std::string> status_lines() const {
    return downloads_.status_lines(!console_->interactive());
  }
  // For `wait`: the local names of the running downloads, and how many downloads have failed
  // (reported "download failed") since the lobby started.
  std::vector<std::string> running_names() const { return downloads_.running_names(); }
  bool finished(const std::string& local_name) const { return downloads_.finished(local_name); }
  size_t failed_count() const { return failed_; }
  // The `transfers` history carried through a chat session (Downloads::history_lines()).
  std::vector<std::string> history_lines(size_t max) const {
    return downloads_.history_lines(max, !console_->interactive());
  }
  void set_history(std::vector<std::string> lines) { downloads_.set_history(std::move(lines)); }

  // The poll set: the held check's wake fd, and each download's progress pipe from `first` on.
  int held_check_fd() const { return held_check_.wake_fd(); }
  void add_poll_fds(std::vector<pollfd>* fds) const { downloads_.add_poll_fds(fds); }
  void handle(const std::vector<pollfd>& fds, size_t first) { downloads_.handle(fds, first); }
  // The check of the files already held is done: queues what is still to resume.
  void on_held_check();

  // The owners of files may have changed (a SHARES event, a resync, registered again): a paused
  // download waiting for one looks again.
  void owners_changed() { resumes_.owners_changed(); }
  // A paused download is due to be resumed (tick() asks for it at once).
  bool resume_due() const { return resumes_.has_due(); }
  // When a paused download's wait for an owner runs out.
  std::optional<Clock::time_point> next_deadline() const { return resumes_.next_deadline(); }
  // The downloads' own timeout (-1: none).
  int poll_timeout_ms() const { return downloads_.poll_timeout_ms(); }
  // Reaps ended downloads, prints their news, and resumes one paused download if one is due.
  void tick(Clock::time_point now);

  // Consumes the pause file: checks, then queues its downloads.
  void load_paused();
  // Before the exec: stops the downloads and writes the pause file.
  void pause();
  // Leaving: stops the downloads (and forgets the paused ones), saying how to resume each.
  void stop(const std::string& why);

 private:
  using Style = LobbyConsole::Style;

  void print_notices();
  void resume_paused(Clock::time_point now);  // one queued download per call
  void resume_one(const PausedDownload& d, Clock::time_point now);
  std::vector<PausedDownload> take_unresumed();  // paused downloads not started again yet

  LobbyConsole* console_;
  const BrokerLink* link_;
  Directory* directory_;
  const std::string dir_;   // the downloads folder
  const std::string user_;  // ours: the pause file is per user
  Downloads downloads_;
  HeldCheck held_check_;
  ResumeQueue resumes_;
  size_t failed_ = 0;
};

}  // namespace peerlink::lobby
