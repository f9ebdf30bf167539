// A background download as the lobby follows it.
#include "common/client_progress.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "common/line_codec.h"
#include "common/names.h"
#include "common/numbers.h"

namespace peerlink {
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
  if (f[0] == "progress") {
    if (f.size() != 5 || !parse_u64(f[1], &p.done) || !parse_u64(f[2], &p.total) ||
        !parse_u64(f[3], &p.rate) || !parse_u64(f[4], &p.active)) {
      return false;
    }
    p.kind = FetchProgress::Kind::kProgress;
  } else if (f[0] == "done" || f[0] == "failed") {
    if (f.size() != 2 || !percent_decode(f[1], &p.text)) return false;
    p.kind = f[0] == "done" ? FetchProgress::Kind::kDone : FetchProgress::Kind::kFailed;
  } else {
    return false;
  }
  *out = std::move(p);
  return true;
}

std::string rate_text(double bytes_per_second) {
  if (bytes_per_second < 1000) {
    return std::to_string(static_cast<uint64_t>(bytes_per_second < 0 ? 0 : bytes_per_second)) +
           " B/s";
  }
  if (bytes_per_second < 1e6) return one_decimal(bytes_per_second / 1e3, "kB/s");
  if (bytes_per_second < 1e9) return one_decimal(bytes_per_second / 1e6, "MB/s");
  return one_decimal(bytes_per_second / 1e9, "GB/s");
}

std::string duration_text(double seconds) {
  const uint64_t s = seconds <= 0 ? 0 : static_cast<uint64_t>(seconds + 0.5);
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%us", static_cast<unsigned>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%um%02us", static_cast<unsigned>(s / 60),
                  static_cast<unsigned>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lluh%02um", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned>(s % 3600 / 60));
  }
  return buf;
}

std::string size_text(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  if (bytes < (1ULL << 20)) return one_decimal(b / 1024, "KiB");
  if (bytes < (1ULL << 30)) return one_decimal(b / (1 << 20), "MiB");
  return one_decimal(b / (1ULL << 30), "GiB");
}

std::string percent_text(uint64_t done, uint64_t total) {
  if (total == 0 || done >= total) return "100%";
  // done * 100 could overflow for files near 2^64 bytes; the double is exact enough here.
  const auto pct =
      static_cast<unsigned>(static_cast<double>(done) * 100.0 / static_cast<double>(total));
  return std::to_string(pct > 99 ? 99 : pct) + "%";
}

std::string running_transfer_line(std::string_view name, uint64_t done, uint64_t total,
                                  uint64_t rate, uint64_t active, size_t sources) {
  std::string eta = "--";
  if (rate > 0 && total >= done) {
    eta = duration_text(static_cast<double>(total - done) / static_cast<double>(rate));
  }
  return "  " + printable(name) + "  " + percent_text(done, total) + " of " + size_text(total) +
         "  " + rate_text(static_cast<double>(rate)) + "  ETA " + eta + "  " +
         std::to_string(active) + " of " + std::to_string(sources) +
         (sources == 1 ? " source" : " sources");
}

}  // namespace peerlink
