// Fuzz target: the OWNER lines a downloader is handed through --secret-fd (the broker's WHOHAS
// lines). Every source that parses must satisfy the rules the downloader relies on (a vouched key
// among them), survive a round trip through the OWNER line format, and no line may yield more than
// one result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/handoff/fetch_sources.h"
#include "common/wire/line_codec.h"

using namespace peerlink;

namespace {

void check_source(const FetchSource& s) {
  if (!valid_user_name(s.owner) || s.ip.empty() || s.port == 0 || !safe_file_name(s.file) ||
      !is_sha256_hex(s.sha256) || !is_sha256_hex(s.key) || s.ticket.empty())
    std::abort();
  for (char c : s.sha256 + s.key) {
    if (c >= 'A' && c <= 'F') std::abort();  // stored lower-case
  }
  const Expected<FetchSource> parsed = parse_owner_line(format_owner_line(s));
  if (!parsed) std::abort();
  const FetchSource& back = *parsed;
  if (back.owner != s.owner || back.ip != s.ip || back.port != s.port || back.file != s.file ||
      back.size != s.size || back.sha256 != s.sha256 || back.key != s.key ||
      back.ticket != s.ticket)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> errors;
  const std::vector<FetchSource> sources = parse_fetch_sources(text, &errors);
  size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  if (!text.empty() && text.back() != '\n') ++lines;
  if (sources.size() + errors.size() > lines) std::abort();
  for (const auto& s : sources) check_source(s);
  for (const auto& e : errors) {
    if (e.rfind("line ", 0) != 0) std::abort();
  }
  // The same text with the null error sink gives the same sources.
  if (parse_fetch_sources(text, nullptr).size() != sources.size()) std::abort();
  // Behind a valid prefix, so that random bytes land in the later fields.
  const std::string prefixed =
      "OWNER alice 127.0.0.1 4000 a.bin 5 " + std::string(64, 'a') + " " + std::string(text);
  const Expected<FetchSource> one = parse_owner_line(prefixed);
  if (one) check_source(*one);
  return 0;
}
