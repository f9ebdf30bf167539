// Key fingerprints: SHA-256 of a public key, grouped for reading, parsed from what people type.
#include "common/crypto/fingerprint.h"

#include "common/base/hex.h"
#include "common/crypto/sha256.h"

namespace peerlink {
namespace {

constexpr size_t kGroupDigits = 4;
constexpr std::string_view kPrefix = "sha256:";

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_separator(char c) { return c == ' ' || c == ':'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_prefix(std::string_view text) {
  if (text.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (lower(text[i]) != kPrefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string key_fingerprint(const X25519Key& public_key) {
  const Sha256::Digest digest =
      sha256(std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size()));
  return to_hex(digest.data(), digest.size());
}

std::string grouped_fingerprint(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() + hex.size() / kGroupDigits);
  for (size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % kGroupDigits == 0) out.push_back(' ');
    out.push_back(hex[i]);
  }
  return out;
}

Expected<std::string> parse_fingerprint(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (starts_with_prefix(text)) text.remove_prefix(kPrefix.size());
  std::string digits;
  digits.reserve(kFingerprintDigits);
  for (const char c : text) {
    if (is_separator(c)) continue;
    const char l = lower(c);
    const bool hex = (l >= '0' && l <= '9') || (l >= 'a' && l <= 'f');
    if (!hex) {
      const bool shown = c > 0x20 && c < 0x7f;
      return Result::failure(
          "not a fingerprint: " + (shown ? "'" + std::string(1, c) + "'" : std::string("a byte")) +
          " is not a hex digit");
    }
    // Bounded: a pasted novel is not copied whole before it is refused.
    if (digits.size() == kFingerprintDigits) {
      return Result::failure("not a fingerprint: more than 64 hex digits");
    }
    digits.push_back(l);
  }
  if (digits.size() != kFingerprintDigits) {
    return Result::failure("not a fingerprint: " + std::to_string(digits.size()) +
                           " hex digits, 64 expected");
  }
  return digits;
}

}  // namespace peerlink
