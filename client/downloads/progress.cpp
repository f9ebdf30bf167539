// A background download as the lobby follows it.
#include "client/downloads/progress.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "common/base/numbers.h"
#include "common/fs/names.h"
#include "common/term/progress.h"
#include "common/wire/line_codec.h"
#include "common/wire/progress_words.h"

namespace peerlink::lobby {
namespace {

std::string one_decimal(double v, const char* unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
  return buf;
}

}  // namespace

bool parse_fetch_progress(std::string_view line, FetchProgress* out) {
  const std::vector<std::string_view> f = split_fields(line);
  if (f.empty()) return false;
  FetchProgress p;
  if (f[0] == wire::progress::kProgress) {
    if (f.size() != 5 || !parse_u64(f[1], &p.done) || !parse_u64(f[2], &p.total) ||
        !parse_u64(f[3], &p.rate) || !parse_u64(f[4], &p.active)) {
      return false;
    }
    p.kind = FetchProgress::Kind::kProgress;
  } else if (f[0] == wire::progress::kResumed) {
    if (f.size() != 3 || !parse_u64(f[1], &p.done) || !parse_u64(f[2], &p.total)) return false;
    p.kind = FetchProgress::Kind::kResumed;
  } else if (f[0] == wire::progress::kDone || f[0] == wire::progress::kFailed) {
    if (f.size() != 2 || !percent_decode(f[1], &p.text)) return false;
    p.kind =
        f[0] == wire::progress::kDone ? FetchProgress::Kind::kDone : FetchProgress::Kind::kFailed;
  } else {
    return false;
  }
  *out = std::move(p);
  return true;
}

std::string resumed_text(std::string_view name, uint64_t done, uint64_t total) {
  return "resuming " + printable(name) + " at " + format_size(done) + " of " + format_size(total) +
         " (" + std::to_string(percent_of(done, total)) + "%)";
}

std::string size_text(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  if (bytes < (1ULL << 20)) return one_decimal(b / 1024, "KiB");
  if (bytes < (1ULL << 30)) return one_decimal(b / (1 << 20), "MiB");
  return one_decimal(b / (1ULL << 30), "GiB");
}

std::string running_transfer_line(std::string_view name, uint64_t done, uint64_t total,
                                  uint64_t rate, uint64_t active, size_t sources) {
  double eta = -1;  // unknown while nothing moves
  if (done >= total) {
    eta = 0;
  } else if (rate > 0) {
    eta = static_cast<double>(total - done) / static_cast<double>(rate);
  }
  return "  " + printable(name) + "  " + std::to_string(percent_of(done, total)) + "% of " +
         size_text(total) + "  " + format_rate(static_cast<double>(rate)) + "  ETA " +
         format_eta(eta) + "  " + std::to_string(active) + " of " + std::to_string(sources) +
         (sources == 1 ? " source" : " sources");
}

}  // namespace peerlink::lobby
