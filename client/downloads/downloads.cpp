// The lobby's background downloads.
#include "client/downloads/downloads.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/downloads/progress.h"
#include "common/base/self_path.h"
#include "common/fs/names.h"
#include "common/handoff/fetch_args.h"
#include "common/handoff/identity_secret.h"
#include "common/net/net.h"

namespace peerlink::lobby {
namespace {

// Finished and failed downloads stay listed in `transfers`; only this many of them.
constexpr size_t kKeepEnded = 50;
constexpr auto kStopGrace = std::chrono::seconds(2);

std::string seconds_text(std::chrono::steady_clock::duration d) {
  const double s = std::chrono::duration<double>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.1f s", s);
  return buf;
}

}  // namespace

Result Downloads::start(DownloadRequest request) {
  // A downloader of the same name that has reported its end may not have exited yet, and until
  // it has, it holds the lock on NAME.part: a new one would fail at once. It is a matter of
  // milliseconds.
  const std::string local_name = sanitize_file_name(request.name);
  for (auto& t : transfers_) {
    if (t->local_name == local_name && t->state != Transfer::State::kRunning &&
        t->child.running()) {
      t->child.wait_until(Clock::now() + kStopGrace);
    }
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0)
    return Result::system("cannot make a pipe for the download", errno);
  UniqueFd read_end(p[0]);
  UniqueFd write_end(p[1]);
  set_nonblocking(read_end.get());

  std::string sources;
  for (const FetchSource& s : request.sources) sources += format_owner_line(s) + "\n";
  ChildSpec spec;
  spec.path = sibling_program("_peer_client");
  FetchArgs args;
  args.name = request.name;
  args.size = request.size;
  args.sha256 = request.sha256;
  args.downloads = dir_;
  args.user = user_;
  args.progress_fd = write_end.get();
  spec.argv = args.to_argv();  // the secrets' --secret-fd is added by the child's start
  spec.secret = join_identity_secret(identity_, sources);
  spec.inherit_fd = write_end.get();
  // Its human lines would only repeat what the lobby prints; stderr (usage errors) stays visible.
  spec.quiet_stdout = true;

  auto t = std::make_unique<Transfer>();
  if (Result started = t->child.start(spec); !started) return started;
  write_end.reset();  // the child's copy is the only writer now: EOF comes when it exits
  t->local_name = local_name;
  t->request = std::move(request);
  t->progress = std::move(read_end);
  transfers_.push_back(std::move(t));
  return {};
}

bool Downloads::running(const std::string& local_name) const {
  return std::any_of(transfers_.begin(), transfers_.end(), [&](const auto& t) {
    return t->state == Transfer::State::kRunning && t->local_name == local_name;
  });
}

bool Downloads::finished(const std::string& local_name) const {
  return std::any_of(transfers_.begin(), transfers_.end(), [&](const auto& t) {
    return t->state == Transfer::State::kDone && t->local_name == local_name;
  });
}

size_t Downloads::running_count() const {
  return static_cast<size_t>(std::count_if(transfers_.begin(), transfers_.end(), [](const auto& t) {
    return t->state == Transfer::State::kRunning;
  }));
}

std::vector<std::string> Downloads::running_names() const {
  std::vector<std::string> names;
  for (const auto& t : transfers_) {
    if (t->state == Transfer::State::kRunning) names.push_back(t->local_name);
  }
  return names;
}

void Downloads::add_poll_fds(std::vector<pollfd>* fds) const {
  for (const auto& t : transfers_) {
    if (t->progress.valid()) fds->push_back({t->progress.get(), POLLIN, 0});
  }
}

void Downloads::handle(const std::vector<pollfd>& fds, size_t first) {
  for (size_t i = first; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    // Matched by descriptor: the list may have changed since the poll set was built.
    for (auto& t : transfers_) {
      if (t->progress.valid() && t->progress.get() == fds[i].fd) {
        read_progress(t.get());
        break;
      }
    }
  }
}

void Downloads::read_progress(Transfer* t) {
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(t->progress.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {  // EOF (or an error, which means the same here): the downloader is ending
      t->progress.reset();
      return;
    }
    t->lines.append(buf, static_cast<size_t>(n));
    std::string line;
    for (;;) {
      LineBuffer::Result r = t->lines.next(&line);
      if (r == LineBuffer::Result::kNeedMore) break;
      if (r == LineBuffer::Result::kTooLong) {
        t->lines = LineBuffer(
            wire::progress::kMaxLineBytes);  // nonsense from the child: drop it, keep listening
        break;
      }
      on_line(t, line);
    }
  }
}

void Downloads::on_line(Transfer* t, const std::string& line) {
  FetchProgress p;
  if (!parse_fetch_progress(line, &p) || t->final_line) return;
  switch (p.kind) {
    case FetchProgress::Kind::kProgress:
      t->done = p.done;
      t->rate = p.rate;
      t->active = p.active;
      break;
    case FetchProgress::Kind::kResumed:
      t->done = p.done;
      notices_.push_back({true, false, resumed_text(t->local_name, p.done, p.total)});
      break;
    case FetchProgress::Kind::kDone:
      t->final_line = true;
      t->done = t->request.size;
      end(t, true, p.text);
      break;
    case FetchProgress::Kind::kFailed:
      t->final_line = true;
      end(t, false, p.text);
      break;
  }
}

void Downloads::end(Transfer* t, bool ok, std::string result) {
  if (t->state != Transfer::State::kRunning) return;
  if (t->stopping && !ok) return;  // stop_all() words it itself
  t->state = ok ? Transfer::State::kDone : Transfer::State::kFailed;
  t->ended = Clock::now();
  t->result = std::move(result);
  t->rate = 0;
  t->active = 0;
  DownloadNotice n;
  n.ok = ok;
  if (ok) {
    n.text = "downloaded " + printable(t->local_name) + " -> " + printable(t->result) + " (" +
             std::to_string(t->request.size) + " bytes in " + seconds_text(t->ended - t->started) +
             ", sha256 verified)";
  } else {
    n.text = printable(t->local_name) + ": download failed: " + printable(t->result);
  }
  notices_.push_back(std::move(n));
}

void Downloads::reap() {
  for (auto& t : transfers_) {
    if (t->progress.valid() || !t->child.running()) continue;
    if (!t->child.poll_exit()) continue;
    if (!t->final_line) {
      end(t.get(), false, "the downloader stopped (" + t->child.describe_status() + ")");
    }
  }
  // Forget the oldest ended downloads beyond the bound.
  size_t ended = 0;
  for (const auto& t : transfers_) ended += t->state != Transfer::State::kRunning ? 1 : 0;
  for (auto it = transfers_.begin(); ended > kKeepEnded && it != transfers_.end();) {
    if ((*it)->state != Transfer::State::kRunning && !(*it)->child.running()) {
      it = transfers_.erase(it);
      --ended;
    } else {
      ++it;
    }
  }
}

int Downloads::poll_timeout_ms() const {
  for (const auto& t : transfers_) {
    if (!t->progress.valid() && t->child.running()) return 10;  // exiting: reap it soon
  }
  return -1;
}

std::vector<DownloadNotice> Downloads::take_notices() { return std::exchange(notices_, {}); }

std::string Downloads::status_line(const Transfer& t, bool encoded) const {
  auto shown = [encoded](std::string_view text) {
    return encoded ? percent_encode(text) : printable(text);
  };
  switch (t.state) {
    case Transfer::State::kRunning:
      return running_transfer_line(shown(t.local_name), t.done, t.request.size, t.rate, t.active,
                                   t.request.sources.size());
    case Transfer::State::kDone:
      return "  " + shown(t.local_name) + "  done -> " + shown(t.result) + " (" +
             std::to_string(t.request.size) + " bytes in " + seconds_text(t.ended - t.started) +
             ")";
    case Transfer::State::kFailed:
      break;
  }
  return "  " + shown(t.local_name) + "  failed: " + printable(t.result);
}

std::vector<std::string> Downloads::status_lines(bool encoded) const {
  std::vector<std::string> lines;
  const size_t n = history_.size() + transfers_.size();
  if (n == 0) {
    lines.push_back("no transfers");
    return lines;
  }
  lines.push_back(std::to_string(n) + (n == 1 ? " transfer:" : " transfers:"));
  lines.insert(lines.end(), history_.begin(), history_.end());
  for (const auto& t : transfers_) lines.push_back(status_line(*t, encoded));
  return lines;
}

std::vector<std::string> Downloads::history_lines(size_t max, bool encoded) const {
  std::vector<std::string> lines = history_;
  for (const auto& t : transfers_) {
    if (t->state == Transfer::State::kRunning || t->stopping) continue;
    lines.push_back(status_line(*t, encoded));
  }
  if (lines.size() > max) lines.erase(lines.begin(), lines.end() - static_cast<long>(max));
  return lines;
}

std::vector<StoppedDownload> Downloads::stop_all() {
  std::vector<Transfer*> stopping;
  for (auto& t : transfers_) {
    if (t->state != Transfer::State::kRunning || !t->child.running()) continue;
    t->stopping = true;
    t->child.signal(SIGTERM);
    stopping.push_back(t.get());
  }
  const auto deadline = Clock::now() + kStopGrace;
  std::vector<StoppedDownload> stopped;
  for (Transfer* t : stopping) {
    if (!t->child.wait_until(deadline)) t->child.stop(std::chrono::milliseconds(0));
    // What it wrote before it exited: a download that had just finished is done, not stopped.
    if (t->progress.valid()) read_progress(t);
    t->progress.reset();
    if (t->state == Transfer::State::kDone) continue;
    stopped.push_back({t->local_name, t->request.size, t->request.sha256});
    t->state = Transfer::State::kFailed;
    t->ended = Clock::now();
    t->result = "stopped (kept for resume)";
  }
  return stopped;
}

}  // namespace peerlink::lobby
