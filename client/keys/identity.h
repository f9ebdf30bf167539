// The user's own static key pair, which the broker binds their name to (issue 9). One per user
// name, `identity-<name>.key` in the configuration folder (client/keys/config_dir.h), so that
// several lobbies of one account (the four sandbox clients of `make test`) have an identity
// each; `_c --identity FILE` uses that file instead. The file is a key file
// (common/fs/key_file.h), created on first use.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink::lobby {

// "identity-<name>.key" with `user` made safe as a file name and case-folded like the broker's
// names: ASCII letters in lower case, the bytes [a-z0-9._-] kept, every other byte written %xx
// (lower-case hex). "Alice" -> "identity-alice.key", "a/b" -> "identity-a%2fb.key".
std::string identity_file_name(std::string_view user);

// The identity file of `user`: `override_path` when not empty (--identity), else
// identity_file_name(user) in config_dir() (created if missing).
Expected<std::string> identity_path(std::string_view user, const std::string& override_path);

// Loads the identity of `user` from identity_path(), creating it (and *created = true) on first
// use. The failures of load_or_create_key_file() ("PATH: mode 0644 lets other users at the
// private key; fix it with: chmod 600 PATH"), of config_dir(), or "no user name for the identity
// file" for an empty `user` without `override_path`.
Expected<X25519KeyPair> load_identity(std::string_view user, const std::string& override_path,
                                      bool* created);

}  // namespace peerlink::lobby
