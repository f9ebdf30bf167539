// A whole download over a shared block queue.
#include "peer_client/fetch/download.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <thread>
#include <utility>

#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/net/net.h"

namespace peerlink::peer_client {
namespace {

constexpr int kTickMs = 200;
// Written blocks kept in memory for the hasher (1 MiB each) until it gets to them.
constexpr size_t kHeldBlocks = 8;
// GETs each connection keeps in flight (FetchConnection): the last blocks are cut into tail
// pieces when fewer than this many per source are left.
constexpr size_t kTailBlocksPerSource = 2;

}  // namespace

Download::Download(const FetchArgs& options, std::string local_name,
                   std::vector<FetchSource> sources, int signal_fd, const X25519KeyPair& identity)
    : options_(options),
      name_(std::move(local_name)),
      sources_(std::move(sources)),
      signal_fd_(signal_fd),
      identity_(identity),
      target_(options.downloads, name_, options.size, options.sha256),
      reporter_(name_, options.size, options.progress_fd),
      feed_(kHeldBlocks),
      wake_fd_(::eventfd(0, EFD_CLOEXEC)),
      served_by_(sources_.size(), 0) {}

int Download::fail(const std::string& reason) {
  reporter_.say(printable(name_) + ": download failed: " + reason);
  reporter_.finished(false, reason);
  return 1;
}

int Download::run() {
  Expected<FetchTarget::Prepared> prepared = target_.prepare();
  if (!prepared) return fail(prepared.message());
  BlockMap& blocks = prepared->blocks;
  const uint64_t already = blocks.done_bytes();
  if (prepared->resumed) {
    reporter_.say("resuming " + printable(name_) + ": " + std::to_string(already) + " of " +
                  std::to_string(options_.size) + " bytes already here");
    reporter_.resumed(already);
  }
  reporter_.say("fetching " + printable(name_) + " (" + std::to_string(options_.size) +
                " bytes, sha256 " + options_.sha256.substr(0, 12) + ") from " +
                std::to_string(sources_.size()) + (sources_.size() == 1 ? " source" : " sources"));
  reporter_.start_at(already);
  counters_.written.store(already);
  const bool complete = blocks.complete();
  const size_t used = std::min(sources_.size(), options_.parallel);
  queue_ = std::make_unique<FetchQueue>(std::move(blocks), used * kTailBlocksPerSource);

  if (!complete && sources_.empty()) return fail("no usable source (kept for resume)");
  std::thread hasher([this] { hash_prefix(); });
  if (!complete) {
    const size_t n = std::min(sources_.size(), options_.parallel);
    running_.store(n);
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (size_t i = 0; i < n; ++i) threads.emplace_back([this] { worker(); });
    watch();
    for (auto& t : threads) t.join();
  }
  queue_->end();
  hasher.join();
  reporter_.tick(counters_.written.load(), counters_.received.load(), 0, /*last=*/true);

  const BlockMap last = queue_->snapshot();
  const uint64_t kept = last.done_bytes();
  // The state is saved only now and then while blocks arrive: whatever was done since goes in now.
  if (!last.complete() && kept > 0) (void)target_.save(last);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fatal_error_.empty())
      return fail(fatal_error_ + " (" + std::to_string(kept) + " bytes kept for resume)");
  }
  if (interrupted_.load())
    return fail("interrupted (" + std::to_string(kept) + " bytes kept for resume)");
  if (!queue_->snapshot().complete())
    return fail("all sources failed (" + std::to_string(kept) + " of " +
                std::to_string(options_.size) + " bytes kept for resume)");

  // The hasher has normally covered the whole file by now; verify whatever it could not.
  if (hash_failed_) {
    hash_ = Sha256();
    hashed_ = 0;
  }
  if (hashed_ < options_.size) {
    if (const Result hashed = target_.hash_range(&hash_, hashed_, options_.size); !hashed)
      return fail(hashed.message());
  }
  const Sha256::Digest digest = hash_.finish();
  // A checksum mismatch fails with FetchTarget::kMismatchMessage.
  Expected<std::string> finished = target_.finish(to_hex(digest.data(), digest.size()));
  if (!finished) return fail(finished.message());
  const std::string& final_path = *finished;
  size_t contributors = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t b : served_by_) contributors += b > 0 ? 1 : 0;
  }
  reporter_.say("downloaded " + printable(name_) + " -> " + printable(final_path) + " (" +
                std::to_string(options_.size) + " bytes, sha256 verified, from " +
                std::to_string(contributors) + (contributors == 1 ? " source)" : " sources)"));
  reporter_.finished(true, final_path);
  return 0;
}

namespace {

// A source that answered "busy" (all its slots, or this user's share of them, taken) or closed
// before sending anything (a file server sheds connections under attack) is tried again a few
// times, backing off: 250 ms doubling, about 4 s in all.
constexpr int kBusyRetries = 4;
constexpr int kFirstRetryMs = 250;

bool worth_retrying(const Result& failure) {
  return failure.status() == Status::kClosed || failure.message() == "refused: server busy";
}

}  // namespace

void Download::worker() {
  const int taker = next_taker_.fetch_add(1);
  for (;;) {
    const size_t i = next_source_.fetch_add(1);
    if (i >= sources_.size() || queue_->stopped() || !run_source(taker, i)) break;
  }
  if (running_.fetch_sub(1) == 1) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t w = ::write(wake_fd_.get(), &one, sizeof one);
  }
}

bool Download::run_source(int taker, size_t i) {
  const FetchSource& s = sources_[i];
  std::string failure;
  FetchConnection::End end = FetchConnection::End::kSourceFailed;
  for (int retry = 0;; ++retry) {
    FetchConnection conn(s, options_.user, identity_, queue_.get(), &target_, &counters_, &feed_,
                         taker);
    const FetchConnection::Outcome outcome = conn.run();
    end = outcome.end;
    failure = outcome.why.message();
    const uint64_t delivered = conn.bytes();
    const bool retry_worth_it = worth_retrying(outcome.why);
    {
      std::lock_guard<std::mutex> lock(mu_);
      served_by_[i] += delivered;
    }
    if (end != FetchConnection::End::kSourceFailed || delivered > 0 || !retry_worth_it ||
        retry == kBusyRetries || queue_->stopped()) {
      break;
    }
    const int wait_ms = kFirstRetryMs << retry;
    reporter_.say("source " + s.owner + " (" + printable(host_port(s.ip, s.port)) +
                  "): " + failure + ", trying again in " + std::to_string(wait_ms) + " ms");
    // In slices, so that a stop (Ctrl-C, SIGTERM) is noticed at once.
    for (int waited = 0; waited < wait_ms && !queue_->stopped(); waited += 20)
      ::poll(nullptr, 0, 20);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (end == FetchConnection::End::kFatal && fatal_error_.empty()) fatal_error_ = failure;
  }
  if (end == FetchConnection::End::kFinished) return false;
  if (end == FetchConnection::End::kFatal) {
    queue_->stop();
    return false;
  }
  reporter_.say("source " + s.owner + " (" + printable(host_port(s.ip, s.port)) +
                ") failed: " + failure);
  return true;
}

void Download::hash_prefix() {
  const uint64_t block_size = queue_->block_size();
  std::string bytes;
  for (;;) {
    const uint64_t prefix = queue_->wait_prefix(hashed_);
    if (prefix <= hashed_) return;  // no more blocks will complete
    while (hashed_ < prefix) {
      // The prefix only ever ends at a block boundary (or the end of the file).
      const auto block = static_cast<size_t>(hashed_ / block_size);
      const uint64_t end = queue_->block_offset(block) + queue_->block_length(block);
      if (feed_.take(block, &bytes) && bytes.size() >= end - hashed_) {
        hash_.update(bytes.data(), static_cast<size_t>(end - hashed_));
      } else if (!target_.hash_range(&hash_, hashed_, end).ok()) {
        hash_failed_ = true;
        return;
      }
      hashed_ = end;
      feed_.hashed_through(block + 1, std::move(bytes));
      bytes = std::string();
    }
  }
}

void Download::watch() {
  for (;;) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    const int n = ::poll(fds, 2, kTickMs);
    if (n < 0 && errno != EINTR) break;
    if (n > 0 && (fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info;
      [[maybe_unused]] const ssize_t r = ::read(signal_fd_, &info, sizeof info);
      interrupted_.store(true);
      queue_->stop();
      // Keep going until the workers have given their blocks back and ended.
    }
    if (running_.load() == 0) break;
    reporter_.tick(counters_.written.load(), counters_.received.load(), counters_.active.load());
  }
}

}  // namespace peerlink::peer_client
