// What a download tells the world: human lines and machine-readable progress lines.
#include "peer_client/fetch/report.h"

#include <unistd.h>

#include <cstdio>

#include "common/base/io.h"
#include "common/fs/names.h"
#include "common/term/progress.h"
#include "common/wire/line_codec.h"
#include "common/wire/progress_words.h"

namespace peerlink::peer_client {
namespace {

constexpr auto kRateWindow = std::chrono::seconds(2);

}  // namespace

FetchReporter::FetchReporter(std::string name, uint64_t total, int progress_fd)
    : name_(std::move(name)), total_(total), progress_fd_(progress_fd) {}

bool FetchReporter::passed(uint64_t done, int quarter) const {
  // done/total >= quarter/4, without overflowing for files near 2^64 bytes.
  return static_cast<double>(done) * 4 >= static_cast<double>(total_) * quarter;
}

void FetchReporter::emit(int fd, std::string line) {
  line.push_back('\n');
  const Result r = send_all(fd, line);
  if (!r.ok() && fd == progress_fd_) progress_fd_ = -1;
}

void FetchReporter::start_at(uint64_t done) {
  std::lock_guard<std::mutex> lock(mu_);
  samples_.clear();
  samples_.emplace_back(std::chrono::steady_clock::now(), 0);
  while (next_quarter_ <= 3 && total_ > 0 && passed(done, next_quarter_)) ++next_quarter_;
}

void FetchReporter::resumed(uint64_t done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_fd_ >= 0) {
    emit(progress_fd_, std::string(wire::progress::kResumed) + " " + std::to_string(done) + " " +
                           std::to_string(total_));
  }
}

void FetchReporter::say(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  emit(STDOUT_FILENO, line);
}

double FetchReporter::rate() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (samples_.size() < 2) return 0;
  const double secs =
      std::chrono::duration<double>(samples_.back().first - samples_.front().first).count();
  if (secs <= 0) return 0;
  return static_cast<double>(samples_.back().second - samples_.front().second) / secs;
}

void FetchReporter::tick(uint64_t done, uint64_t received, int active, bool last) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    samples_.emplace_back(now, received);
    while (samples_.size() > 2 && now - samples_[1].first >= kRateWindow) samples_.pop_front();
  }
  const double bps = rate();
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_fd_ >= 0) {
    emit(progress_fd_, std::string(wire::progress::kProgress) + " " + std::to_string(done) + " " +
                           std::to_string(total_) + " " +
                           std::to_string(static_cast<uint64_t>(bps)) + " " +
                           std::to_string(active));
  }
  while (!last && next_quarter_ <= 3 && total_ > 0 && passed(done, next_quarter_)) {
    emit(STDOUT_FILENO, printable(name_) + ": " + std::to_string(25 * next_quarter_) + "% (" +
                            format_rate(bps) + ", " + std::to_string(active) +
                            (active == 1 ? " source)" : " sources)"));
    ++next_quarter_;
  }
}

void FetchReporter::finished(bool ok, const std::string& path_or_reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_fd_ >= 0)
    emit(progress_fd_, std::string(ok ? wire::progress::kDone : wire::progress::kFailed) + " " +
                           percent_encode(path_or_reason));
}

}  // namespace peerlink::peer_client
