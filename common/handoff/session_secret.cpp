// The session secret handed to the peer programs: its one format.
#include "common/handoff/session_secret.h"

#include <cstring>

#include "common/base/hex.h"
#include "common/base/secret_fd.h"
#include "common/wire/broker_limits.h"

namespace peerlink {
namespace {

constexpr std::string_view kTokenPrefix = "token ";
constexpr std::string_view kIdentityPrefix = "identity ";

bool valid_token(std::string_view t) {
  if (t.empty() || t.size() > wire::kMaxSessionTokenChars) return false;
  for (const char c : t) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// Takes the line at the front of *rest that starts with `prefix`; false if there is none.
bool take_line(std::string_view* rest, std::string_view prefix, std::string_view* value) {
  const size_t nl = rest->find('\n');
  if (nl == std::string_view::npos) return false;
  const std::string_view line = rest->substr(0, nl);
  if (line.substr(0, prefix.size()) != prefix) return false;
  *value = line.substr(prefix.size());
  rest->remove_prefix(nl + 1);
  return true;
}

}  // namespace

std::string encode_session_secret(const SessionSecret& secret) {
  std::string out = kSessionSecretHeader;
  out += kTokenPrefix;
  out += secret.token;
  out += '\n';
  out += kIdentityPrefix;
  out += to_hex(secret.identity.data(), secret.identity.size());
  out += '\n';
  return out;
}

Expected<SessionSecret> parse_session_secret(std::string_view text) {
  if (text.size() > kMaxSessionSecretBytes) return Result::failure("too long");
  const std::string_view header = kSessionSecretHeader;
  if (text.substr(0, header.size()) != header) return Result::failure("no header line");
  std::string_view rest = text.substr(header.size());
  std::string_view token, identity;
  if (!take_line(&rest, kTokenPrefix, &token) || !valid_token(token)) {
    return Result::failure("bad token line");
  }
  std::string key;
  if (!take_line(&rest, kIdentityPrefix, &identity) || identity.size() != 2 * kX25519Bytes ||
      !from_hex(identity, &key)) {
    return Result::failure("bad identity line");
  }
  if (!rest.empty()) return Result::failure("trailing bytes");
  SessionSecret secret;
  secret.token.assign(token);
  std::memcpy(secret.identity.data(), key.data(), kX25519Bytes);
  // `key` held the private key: wipe the copy before it is freed.
  std::memset(key.data(), 0, key.size());
  return secret;
}

Expected<SessionSecret> take_session_secret(int secret_fd) {
  if (secret_fd < 0) return Result::failure("no session token (no --secret-fd)");
  Expected<std::string> text = take_secret_fd(secret_fd, kMaxSessionSecretBytes);
  if (!text) return Result::failure("no session token (" + text.message() + ")", text.error());
  Expected<SessionSecret> secret = parse_session_secret(*text);
  std::memset(text->data(), 0, text->size());
  if (!secret) {
    return Result::failure(
        "no session token (a malformed secret was handed over: " + secret.message() + ")");
  }
  return secret;
}

}  // namespace peerlink
