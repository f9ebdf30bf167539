// The brokers' keys this user trusts, pinned on first use per host:port like ssh's known_hosts
// (issue 9): a later connection to the same address that presents another key is refused, which
// is what stops someone on the LAN from posing as the broker after the first contact.
//
// The file is `known_brokers` in the configuration folder (client/keys/config_dir.h), text, one
// broker a line:
//
//   <host:port> <64 hex digits of the broker's static public key>
//
// the address percent-encoded as a broker line field (common/wire/line_codec.h) and in lower
// case ("broker.lan:12000", "[fe80::1]:12000"). Lines that are not that (comments, anything a
// person added) are kept as they are and ignored. Each check reads the file afresh, and changes
// are made under a lock on the folder and written atomically, so that several lobbies of one
// account (the sandbox clients of `make test`) share it safely.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink::lobby {

// What the pinned key says about the key a broker presented.
struct BrokerKeyCheck {
  enum class Verdict {
    kNew,      // nothing was pinned for the address: the key is pinned now (and saved)
    kMatch,    // it is the pinned key
    kChanged,  // another key is pinned: refuse the broker and warn
  };
  Verdict verdict = Verdict::kNew;
  std::string pinned_fingerprint;  // for kChanged: the pinned key's, 64 lower-case digits
};

class KnownBrokers {
 public:
  // The file at `path` (need not exist yet; its folder must).
  explicit KnownBrokers(std::string path) : path_(std::move(path)) {}
  // The file in `config_dir`.
  static std::string path_in(const std::string& config_dir) {
    return config_dir + "/known_brokers";
  }
  const std::string& path() const { return path_; }

  // Trust on first use: compares `key`, presented by the broker at `host_port` ("host:port" as
  // common/net/net.h's host_port() writes it), with the pinned one. A failure when the file
  // cannot be read or (for kNew) written.
  Expected<BrokerKeyCheck> check(std::string_view host_port, const X25519Key& key);

  // `_c --broker-key FP`: the presented `key` must have the fingerprint `fingerprint` (64
  // lower-case digits, as parse_fingerprint() gives); then it is pinned for `host_port`,
  // replacing whatever was. A failure ("the broker's key has fingerprint 1a2b ..., not the 3c4d
  // ... given with --broker-key") pins nothing.
  Result pin_fingerprint(std::string_view host_port, const X25519Key& key,
                         std::string_view fingerprint);

  // The key pinned for `host_port`, if any (for tests and messages).
  Expected<bool> pinned(std::string_view host_port, X25519Key* key) const;

 private:
  std::string path_;
};

}  // namespace peerlink::lobby
