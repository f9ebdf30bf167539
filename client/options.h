// Command-line options of the lobby client `_c`, and their parsing (pure: no I/O).
#pragma once

#include <cstdint>
#include <string>

namespace peerlink::lobby {

struct ClientOptions {
  std::string host;             // broker host name or address (IPv4, IPv6 literal or name)
  uint16_t port = 0;            // broker port
  std::string user;             // empty: ask
  std::string share;            // empty: ask
  std::string downloads;        // empty: "./downloads" next to where _c was started
  int reconnect_attempts = 10;  // after losing the broker, then give up (exit 1)
  // Hidden test/diagnostic options, passed through to the file server (docs/LOBBY.md):
  std::string serve_log;        // --serve-log FILE -> `_peer_server --serve --log FILE`
  uint64_t serve_max_rate = 0;  // --serve-max-rate BYTES -> `--max-rate BYTES` (0 = no cap)
};

// Parses argv. Returns true to go on. Otherwise the process should exit with *exit_code after
// printing *message: to stdout when *exit_code is 0 (--help, --version), else to stderr.
bool parse_client_options(int argc, const char* const* argv, ClientOptions* out, int* exit_code,
                          std::string* message);

// The --help text.
const char* client_usage();

}  // namespace peerlink::lobby
