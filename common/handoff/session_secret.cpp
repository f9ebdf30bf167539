// The session secret handed to the peer programs: its one format.
#include "common/handoff/session_secret.h"

#include <cstring>

#include "common/base/secret_fd.h"
#include "common/handoff/identity_secret.h"
#include "common/wire/broker_limits.h"

namespace peerlink {
namespace {

constexpr std::string_view kTokenPrefix = "token ";

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

// The session's own part, after the IDENTITY line: the header and the token line.
std::string session_part(const std::string& token) {
  std::string out = kSessionSecretHeader;
  out += kTokenPrefix;
  out += token;
  out += '\n';
  return out;
}

// Reads the session's own part strictly into *token.
Result read_session_part(std::string_view rest, std::string* token) {
  const std::string_view header = kSessionSecretHeader;
  if (rest.substr(0, header.size()) != header) return Result::failure("no header line");
  rest.remove_prefix(header.size());
  std::string_view value;
  if (!take_line(&rest, kTokenPrefix, &value) || !valid_token(value)) {
    return Result::failure("bad token line");
  }
  if (!rest.empty()) return Result::failure("trailing bytes");
  token->assign(value);
  return Result();
}

}  // namespace

std::string encode_session_secret(const SessionSecret& secret) {
  // join_identity_secret() takes a key pair but writes only its private half.
  X25519KeyPair identity{};
  identity.private_key = secret.identity;
  std::string out = join_identity_secret(identity, session_part(secret.token));
  std::memset(identity.private_key.data(), 0, identity.private_key.size());
  return out;
}

Expected<SessionSecret> parse_session_secret(std::string_view text) {
  if (text.size() > kMaxSessionSecretBytes) return Result::failure("too long");
  Expected<IdentitySecret> split = split_identity_secret(text);
  if (!split) return split.result();
  X25519Key& key = split->identity.private_key;
  SessionSecret secret;
  const Result read = read_session_part(split->rest, &secret.token);
  if (read.ok()) secret.identity = key;
  // The split held the private key: wipe that copy before it is freed.
  std::memset(key.data(), 0, key.size());
  if (!read.ok()) return read;
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
