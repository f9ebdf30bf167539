// The broker's name-to-key bindings (issue 9): a user name belongs to the static public key of
// the connection that registered it, across restarts, and is refused to any other key
// ("ERR 409 name belongs to another key") until the operator releases it (`_s --release NAME`) or
// it has not been seen for the expiry (30 days by default). Names compare as fold_name() does.
//
// The bindings are kept in one state file (`_s --names FILE`, default STATE_DIR/names), text:
//
//   peerlink names 1
//   <percent-encoded folded name> <64 hex digits of the public key> <last seen, unix seconds>
//   ...
//
// one binding a line, sorted by name. The broker saves it at most once a second while dirty()
// and at shutdown, through write_file_atomically().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink::broker {

class NameKeys {
 public:
  static constexpr int64_t kDefaultExpirySeconds = 30 * 86400;
  static constexpr size_t kDefaultMaxBindings = 200000;
  // The longest line a binding can take (a 32-byte name with every byte escaped, the key, a
  // 19-digit time, the separators), which bounds the file that load() accepts.
  static constexpr size_t kMaxLineBytes = 3 * 32 + 1 + 64 + 1 + 19 + 1;

  enum class Claim {
    kBound,  // the name was free (or its binding had expired): it is now bound to the key
    kSame,   // already bound to this key: last seen is refreshed
    kTaken,  // bound to another key and seen within the expiry: refused
    kFull,   // a new name, but max_bindings are held and none has expired: refused
  };

  struct Binding {
    X25519Key key{};
    int64_t last_seen = 0;  // unix seconds
  };

  // What load() found besides the bindings it kept.
  struct LoadReport {
    size_t bindings = 0;   // kept
    size_t bad_lines = 0;  // skipped: malformed, an invalid or repeated name, past max_bindings
  };

  // `path` is the state file ("": none; save() then only clears dirty()). A binding not seen for
  // `expiry_seconds` is replaced by the next claim of its name; at most `max_bindings` are held.
  explicit NameKeys(std::string path = "", int64_t expiry_seconds = kDefaultExpirySeconds,
                    size_t max_bindings = kDefaultMaxBindings);

  // Registers `name` (a valid_user_name()) for `key` at `now` (unix seconds). When full, expired
  // bindings are dropped first (a scan only when one can have expired).
  Claim claim(std::string_view name, const X25519Key& key, int64_t now);
  // The user of `name` is still there (online, or just left): refreshes its last seen. Nothing
  // for a name without a binding.
  void touch(std::string_view name, int64_t now);
  // Frees `name` for any key. False if it had no binding.
  bool release(std::string_view name);

  const Binding* find(std::string_view name) const;
  size_t size() const { return bindings_.size(); }
  const std::string& path() const { return path_; }

  // Replaces the bindings with those of the state file. A missing file holds none. Refused, with
  // the bindings left empty: a file larger than max_bindings full lines could take ("PATH: N
  // bytes, larger than ..."), one that does not start with the header line ("PATH: not a
  // peerlink names file"), or one that cannot be read.
  Expected<LoadReport> load();
  // The same from the file's text (for load() and the fuzzer); failures have no path in front.
  Expected<LoadReport> load_text(std::string_view text);
  // The file's text for the bindings held.
  std::string text() const;

  // True when something changed since the last load() or successful save().
  bool dirty() const { return dirty_; }
  // Writes the state file (atomically: temporary file + rename) and clears dirty().
  Result save();

  // The largest state file load() reads.
  size_t max_file_bytes() const;

 private:
  bool expired(const Binding& b, int64_t now) const;
  // Drops every expired binding (when one can have expired: see next_expiry_).
  void drop_expired(int64_t now);

  std::string path_;
  int64_t expiry_;
  size_t max_bindings_;
  std::map<std::string, Binding, std::less<>> bindings_;  // by fold_name()
  // No binding expires before this time (a lower bound, exact after drop_expired()): when full,
  // new claims do not rescan the bindings until then.
  int64_t next_expiry_;
  bool dirty_ = false;
};

}  // namespace peerlink::broker
