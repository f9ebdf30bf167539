// The user's identity key inside a peer program's secret descriptor.
#include "common/handoff/identity_secret.h"

#include <cstring>

#include "common/base/hex.h"

namespace peerlink {

std::string join_identity_secret(const X25519KeyPair& identity, std::string_view rest) {
  std::string out = kIdentityWord;
  out.push_back(' ');
  out += to_hex(identity.private_key.data(), identity.private_key.size());
  out.push_back('\n');
  out.append(rest);
  return out;
}

Expected<IdentitySecret> split_identity_secret(std::string_view secret) {
  const Result bad = Result::failure("the secret has no IDENTITY line");
  const size_t word = sizeof kIdentityWord - 1;
  const size_t line = kIdentityLineBytes - 1;  // where its '\n' is
  if (secret.size() <= line || secret.substr(0, word) != kIdentityWord || secret[word] != ' ' ||
      secret[line] != '\n') {
    return bad;
  }
  std::string raw;
  if (!from_hex(secret.substr(word + 1, 2 * kX25519Bytes), &raw)) return bad;
  X25519Key private_key{};
  std::memcpy(private_key.data(), raw.data(), private_key.size());
  std::memset(raw.data(), 0, raw.size());  // the private key: wiped before it is freed
  IdentitySecret out;
  out.identity = x25519_from_private(private_key);
  out.rest = std::string(secret.substr(line + 1));
  return out;
}

}  // namespace peerlink
