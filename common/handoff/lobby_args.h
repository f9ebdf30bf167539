// The command line of the lobby `_c`: what it parses when the user starts it, and what a peer
// program builds to start it again after a session (docs/HANDOFF.md, "Back to the lobby"). One
// struct, one parser, one builder: to_argv() gives what parse_lobby_args() reads back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/args.h"

namespace peerlink {

struct LobbyArgs {
  std::string host;             // broker host name or address (IPv4, IPv6 literal or name)
  uint16_t port = 0;            // broker port
  std::string user;             // --user; empty: ask
  std::string share;            // --share; empty: ask
  std::string downloads;        // --downloads; empty: "./downloads" next to where _c was started
  int reconnect_attempts = 10;  // --reconnect-attempts: after losing the broker, then exit 1
  // Keys (issue 9):
  std::string broker_key;  // --broker-key FP: the broker's fingerprint, 64 lower-case digits
  std::string identity;    // --identity FILE: own key file (default: the config folder's)
  bool plaintext = false;  // --plaintext: the unencrypted broker protocol (`_s --plaintext`)
  // Output and scripts (issue 10; docs/LOBBY.md, "Scripted output"):
  bool bytes = false;    // --bytes: exact sizes in listings on a terminal too
  bool strict = false;   // --strict: a script exits (status 1) at its first failure
  bool no_wait = false;  // --no-wait: a script's quit or end of input stops running downloads
  // Hidden test/diagnostic options, passed through to the file server (docs/LOBBY.md):
  std::string serve_log;        // --serve-log FILE -> `_peer_server --serve --log FILE`
  uint64_t serve_max_rate = 0;  // --serve-max-rate BYTES -> `--max-rate BYTES` (0 = no cap)

  bool operator==(const LobbyArgs&) const = default;

  // argv of `_c` with these arguments: {"_c", host, port} and then each option that is not
  // empty or at its default: {"_c", "broker.lan", "12000", "--user", "bob", "--share", ...}.
  std::vector<std::string> to_argv() const;
};

// Parses `_c`'s argv (argv[0] is skipped) into *out. Exactly two positional arguments, the
// broker's host (not empty) and port (1-65535); --reconnect-attempts 0..1000; --serve-log and
// --identity not empty; --broker-key a fingerprint as parse_fingerprint() reads it (stored in
// its 64-digit lower-case form). Pure: no I/O.
ArgsOutcome parse_lobby_args(const std::vector<std::string>& argv, LobbyArgs* out);

// The --help text.
std::string lobby_usage();

}  // namespace peerlink
