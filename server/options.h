// Command-line options of the broker `_s`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/wire.h"

namespace peerlink {

struct BrokerOptions {
  uint16_t port = wire::kDefaultBrokerPort;
  std::string bind;  // empty: all interfaces
  std::string log_path = "server.log";
  bool quiet = false;           // do not echo the log to stdout
  int request_timeout_s = 30;   // pending chat request
  int offer_timeout_s = 60;     // pending file offer
  int register_timeout_s = 10;  // time to say HELLO + REGISTER
  int ticket_lifetime_s = 300;
  size_t max_output_bytes = 4u << 20;  // per client; past it the client is dropped
  size_t max_files_per_user = 10000;
  size_t max_reply_lines = 5000;
};

// Parses argv. Returns 0 to go on; otherwise the process should exit with *exit_code after
// printing *message (to stdout for --help/--version, to stderr for errors).
bool parse_broker_options(int argc, char** argv, BrokerOptions* out, int* exit_code,
                          std::string* message);

}  // namespace peerlink
