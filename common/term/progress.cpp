// Transfer progress: rate and ETA strings, when to report, and the bar or plain lines shown.
#include "common/term/progress.h"

#include <cmath>
#include <cstdio>

namespace peerlink {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

double seconds_between(ProgressClock::time_point from, ProgressClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

namespace {

// A size in 1024-based units followed by `suffix` ("" or "/s").
std::string scaled(long double v, const char* suffix) {  // long double: exact for any uint64_t
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < sizeof kUnits / sizeof kUnits[0]) {
    v /= 1024;
    ++unit;
  }
  char buf[40];
  if (unit == 0 || v >= 100) {
    std::snprintf(buf, sizeof buf, "%.0Lf %s%s", std::floor(v), kUnits[unit], suffix);
  } else {
    // Rounded down to one decimal so "99.96" never prints as "100.0".
    std::snprintf(buf, sizeof buf, "%.1Lf %s%s", std::floor(v * 10) / 10, kUnits[unit], suffix);
  }
  return buf;
}

}  // namespace

std::string format_size(uint64_t bytes) { return scaled(static_cast<long double>(bytes), ""); }

std::string format_rate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second) || bytes_per_second < 0) bytes_per_second = 0;
  return scaled(bytes_per_second, "/s");
}

std::string format_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds >= 100.0 * 3600) return "--:--";
  const auto total = static_cast<long>(std::ceil(seconds));
  const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buf[32];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", m, s);
  }
  return buf;
}

int percent_of(uint64_t done, uint64_t total) {
  if (total == 0 || done >= total) return 100;
  // done < total, so done * 100 cannot overflow for any file below 2^57 bytes; above that
  // dividing first loses nothing that matters.
  if (done <= UINT64_MAX / 100) return static_cast<int>(done * 100 / total);
  return static_cast<int>(done / (total / 100));
}

double ProgressMeter::rate(uint64_t done, ProgressClock::time_point now) const {
  const double elapsed = seconds_between(start_, now);
  if (elapsed <= 0) return 0;
  return static_cast<double>(done) / elapsed;
}

double ProgressMeter::eta_seconds(uint64_t done, ProgressClock::time_point now) const {
  if (done >= total_) return 0;
  const double r = rate(done, now);
  if (r <= 0) return -1;
  return static_cast<double>(total_ - done) / r;
}

int ProgressMeter::take_milestone(uint64_t done) {
  if (next_milestone_ == 0) {  // the start is always reported, whatever has moved already
    next_milestone_ = 25;
    return 0;
  }
  const int pct = percent_of(done, total_);
  if (pct >= 100) {  // completion has its own line ("sent ..."/"received ...")
    next_milestone_ = 100;
    return -1;
  }
  int reached = -1;
  while (next_milestone_ <= 75 && pct >= next_milestone_) {
    reached = next_milestone_;
    next_milestone_ += 25;
  }
  return reached;
}

std::string ProgressMeter::plain_line(std::string_view name, int pct, uint64_t done,
                                      ProgressClock::time_point now) const {
  std::string s(name);
  s += ": " + std::to_string(pct) + "% " + format_rate(rate(done, now)) + " ETA " +
       format_eta(eta_seconds(done, now));
  return s;
}

std::string ProgressMeter::bar(std::string_view name, uint64_t done, ProgressClock::time_point now,
                               int bar_width) const {
  const int pct = percent_of(done, total_);
  const int filled = pct * bar_width / 100;
  std::string s(name);
  s += " [";
  s.append(static_cast<size_t>(filled), '#');
  s.append(static_cast<size_t>(bar_width - filled), '.');
  char num[8];
  std::snprintf(num, sizeof num, "%3d%%", pct);
  s += "] ";
  s += num;
  s += " " + format_rate(rate(done, now)) + " ETA " + format_eta(eta_seconds(done, now));
  return s;
}

TransferProgress::TransferProgress(Console* console, uint64_t key, std::string name, uint64_t total)
    : console_(console), key_(key), name_(std::move(name)), meter_(total, ProgressClock::now()) {}

TransferProgress::~TransferProgress() {
  if (drawn_) console_->clear_status(key_);
}

void TransferProgress::update(uint64_t done) {
  const auto now = ProgressClock::now();
  if (!console_->terminal()) {
    const int milestone = meter_.take_milestone(done);
    if (milestone >= 0) console_->line(meter_.plain_line(name_, milestone, done, now));
    return;
  }
  // Redrawing on every 64 KiB chunk would spend more time on the terminal than on the transfer.
  if (drawn_ && done < meter_.total() && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  console_->set_status(key_, meter_.bar(name_, done, now));
}

}  // namespace peerlink
