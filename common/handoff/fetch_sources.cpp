// The owners a download may come from: parsing the broker's `OWNER` lines.
#include "common/handoff/fetch_sources.h"

#include <charconv>
#include <utility>

#include "common/base/hex.h"
#include "common/base/numbers.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink {
namespace {

constexpr size_t kOwnerLineFields = 9;  // OWNER and its eight fields
constexpr char kNoKey[] = "-";          // a user without a verified key

}  // namespace

std::string format_owner_line(const FetchSource& s) {
  std::string line = LineWriter(wire::body::kOwner)
                         .field(s.owner)
                         .field(s.ip)
                         .num(s.port)
                         .field(s.file)
                         .num(s.size)
                         .word(s.sha256)
                         .word(s.key)
                         .field(s.ticket)
                         .str();
  line.pop_back();  // the '\n'
  return line;
}

Expected<FetchSource> parse_owner_line(std::string_view line) {
  const std::vector<std::string_view> f = split_fields(line);
  if (f.empty() || f[0] != wire::body::kOwner) return Result::failure("not an OWNER line");
  if (f.size() != kOwnerLineFields) return Result::failure("an OWNER line has 9 fields");
  std::string decoded[kOwnerLineFields];
  for (size_t i = 1; i < f.size(); ++i) {
    if (!percent_decode(f[i], &decoded[i])) return Result::failure("bad escape");
  }
  FetchSource s;
  s.owner = decoded[1];
  if (!valid_user_name(s.owner)) return Result::failure("bad owner name");
  s.ip = decoded[2];
  if (s.ip.empty()) return Result::failure("bad address");
  if (!parse_port(decoded[3], &s.port) || s.port == 0) return Result::failure("bad port");
  s.file = decoded[4];
  // The owner's file server refuses anything that is not a safe base name, so such a source
  // could never serve; refusing it here gives a clearer message.
  if (!safe_file_name(s.file)) return Result::failure("bad file name");
  if (!parse_u64(decoded[5], &s.size)) return Result::failure("bad size");
  if (!parse_sha256_hex(decoded[6], &s.sha256)) return Result::failure("bad sha256");
  // The key the owner's file server must prove it holds. Without one ("-": the owner is on a
  // plaintext broker connection) nothing tells the real server from an impostor, so the source is
  // refused rather than downloaded from unchecked.
  if (decoded[7] == kNoKey) return Result::failure("the owner has no vouched key");
  if (!parse_sha256_hex(decoded[7], &s.key)) return Result::failure("bad owner key");
  s.ticket = decoded[8];
  if (s.ticket.empty()) return Result::failure("bad ticket");
  return s;
}

std::vector<FetchSource> parse_fetch_sources(std::string_view text,
                                             std::vector<std::string>* errors) {
  std::vector<FetchSource> sources;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(' ') == std::string_view::npos) continue;
    Expected<FetchSource> s = parse_owner_line(line);
    if (s) {
      sources.push_back(std::move(*s));
    } else if (errors != nullptr) {
      errors->push_back("line " + std::to_string(line_no) + ": " + s.message());
    }
  }
  return sources;
}

}  // namespace peerlink
