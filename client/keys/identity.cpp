// The user's own static key pair, one file per user name.
#include "client/keys/identity.h"

#include "client/keys/config_dir.h"
#include "common/fs/key_file.h"

namespace peerlink::lobby {
namespace {

bool kept(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

std::string identity_file_name(std::string_view user) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "identity-";
  for (char c : user) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (kept(c)) {
      name.push_back(c);
      continue;
    }
    const auto b = static_cast<unsigned char>(c);
    name.push_back('%');
    name.push_back(kHex[b >> 4]);
    name.push_back(kHex[b & 0x0f]);
  }
  return name + ".key";
}

Expected<std::string> identity_path(std::string_view user, const std::string& override_path) {
  if (!override_path.empty()) return override_path;
  if (user.empty()) return Result::failure("no user name for the identity file");
  Expected<std::string> dir = config_dir();
  if (!dir.ok()) return dir;
  return *dir + "/" + identity_file_name(user);
}

Expected<X25519KeyPair> load_identity(std::string_view user, const std::string& override_path,
                                      bool* created) {
  if (created != nullptr) *created = false;
  Expected<std::string> path = identity_path(user, override_path);
  if (!path.ok()) return path.result();
  return load_or_create_key_file(*path, created);
}

}  // namespace peerlink::lobby
