// The lobby's background downloads: one `_peer_client --fetch` child each, followed through its
// --progress-fd pipe, which the lobby's poll loop reads without blocking (docs/SHARING.md).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/launch/child_process.h"
#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/handoff/fetch_sources.h"
#include "common/wire/line_codec.h"
#include "common/wire/progress_words.h"

namespace peerlink::lobby {

struct DownloadRequest {
  std::string name;  // the file's name (the local name is sanitize_file_name(name))
  uint64_t size = 0;
  std::string sha256;
  std::vector<FetchSource> sources;  // tickets inside: they go to the child's secret fd only
};

// What the lobby prints about a download: its end, or news on the way.
struct DownloadNotice {
  bool ok = false;
  bool final = true;  // false: news ("resuming NAME at ..."), the download goes on
  std::string text;   // "downloaded NAME -> PATH (...)" or "NAME: download failed: REASON"
};

// A download stop_all() stopped: what starting it again takes (new owners and tickets aside).
struct StoppedDownload {
  std::string name;  // the local name
  uint64_t size = 0;
  std::string sha256;
};

// Owns the downloader processes and their pipes (the read ends close-on-exec; each child gets
// its write end as --progress-fd, inherited on purpose). Lobby thread only. Destroying it stops
// what still runs (SIGTERM: the downloader keeps its .part for a later resume).
class Downloads {
 public:
  using Clock = std::chrono::steady_clock;

  // `identity` is the user's static key pair: each downloader proves it to the file servers (the
  // tickets are bound to its public key), handed over with the sources in the secret fd.
  Downloads(std::string downloads_dir, std::string user, const X25519KeyPair& identity)
      : dir_(std::move(downloads_dir)), user_(std::move(user)), identity_(identity) {}

  // Starts a download; a failure says why the downloader cannot be started.
  Result start(DownloadRequest request);
  // A download of this local name runs (two downloaders cannot share NAME.part).
  bool running(const std::string& local_name) const;
  size_t running_count() const;
  // The local names of the running downloads, oldest first.
  std::vector<std::string> running_names() const;
  // A download of this local name finished (verified) since this lobby started; the last
  // 50 ended downloads are remembered.
  bool finished(const std::string& local_name) const;

  // The pipes to poll (POLLIN), appended to *fds. handle() takes the same vector and the index
  // of the first of them; it reads what has arrived and notices ended downloads.
  void add_poll_fds(std::vector<pollfd>* fds) const;
  void handle(const std::vector<pollfd>& fds, size_t first);
  // Reaps downloaders whose pipe has closed. Call every loop turn.
  void reap();
  // How soon the loop should come back for reap(): soon while a downloader is exiting.
  int poll_timeout_ms() const;
  // Endings since the last call, in order.
  std::vector<DownloadNotice> take_notices();

  // The `transfers` listing: "N transfers:" then one line each, oldest first (the history of
  // the lobbies before this one in this run first). `encoded`: names and paths percent-encoded
  // (a script's listing, docs/LOBBY.md), else made printable.
  std::vector<std::string> status_lines(bool encoded = false) const;
  // The history the lobby carries through a chat session (client/lobby/run_state.h): the lines
  // of the ended downloads, after those carried in, oldest first, at most `max`, encoded as
  // status_lines(encoded) would. Downloads stopped for the session are left out: the next lobby
  // resumes them.
  std::vector<std::string> history_lines(size_t max, bool encoded = false) const;
  // Lines of the lobbies before this one in this run, listed first.
  void set_history(std::vector<std::string> lines) { history_ = std::move(lines); }

  // Stops every running download (SIGTERM, bounded wait) and returns them, oldest first. Their
  // .part files stay: the same download started again resumes them. A download that finished
  // meanwhile is reported as done (take_notices()), not returned.
  std::vector<StoppedDownload> stop_all();

 private:
  struct Transfer {
    enum class State { kRunning, kDone, kFailed };
    DownloadRequest request;
    std::string local_name;
    ChildProcess child;
    UniqueFd progress;  // read end; closed at EOF
    LineBuffer lines{wire::progress::kMaxLineBytes};
    State state = State::kRunning;
    bool final_line = false;  // "done" or "failed" arrived
    bool stopping = false;    // stop_all() asked it to stop
    uint64_t done = 0, rate = 0, active = 0;
    std::string result;  // the final path, or the failure reason
    Clock::time_point started = Clock::now();
    Clock::time_point ended{};
  };

  std::string status_line(const Transfer& t, bool encoded) const;
  void read_progress(Transfer* t);
  void on_line(Transfer* t, const std::string& line);
  void end(Transfer* t, bool ok, std::string result);

  const std::string dir_;
  const std::string user_;
  const X25519KeyPair identity_;
  std::vector<std::unique_ptr<Transfer>> transfers_;
  std::vector<DownloadNotice> notices_;
  std::vector<std::string> history_;  // carried in: listed before transfers_
};

}  // namespace peerlink::lobby
