// Command-line options of the broker `_s`.
#include "server/options.h"

#include <cstdlib>
#include <string_view>

#include "common/base/numbers.h"
#include "common/net/net.h"

namespace peerlink::broker {
namespace {

constexpr const char* kUsage =
    "usage: _s [--port PORT] [--bind ADDR] [--log FILE] [options]\n"
    "\n"
    "The peerlink broker: keeps the online users and their shared files, answers directory\n"
    "queries and relays chat requests and file offers. It never carries file bytes.\n"
    "\n"
    "  --port PORT             TCP port to listen on (default 12000; 0 = any free port)\n"
    "  --bind ADDR             address to listen on (default: all, IPv4 and IPv6)\n"
    "  --log FILE              append the event log here (default server.log)\n"
    "  --quiet                 do not print the log on stdout\n"
    "  --request-timeout SECS  how long a chat request waits for an answer (default 30)\n"
    "  --offer-timeout SECS    how long a file offer waits for answers (default 60)\n"
    "  --register-timeout SECS time a new connection has to register (default 10)\n"
    "  --max-output BYTES      output buffer per client before it is dropped (default 4194304)\n"
    "  --max-event-backlog BYTES  pending output past which a client gets EVENT RESYNC\n"
    "                          instead of directory events (default 16384)\n"
    "  --max-total-output BYTES   pending output of all clients together; past it the\n"
    "                          slowest readers are dropped (default 134217728)\n"
    "  --socket-sndbuf BYTES   kernel send buffer per client, 0 = autotuned (default 131072)\n"
    "  --max-files N           files one user may share (default 10000)\n"
    "  --max-total-files N     files the broker holds for all users together (default 500000)\n"
    "  --max-offers-per-user N pending file offers one user may have made (default 64)\n"
    "  --max-offers N          pending file offers in total (default 10000)\n"
    "  --max-chats N           pending chat requests in total (default 10000)\n"
    "  --help, --version\n"
    "\n"
    "The first line printed is the address it listens on. The protocol is in docs/PROTOCOL.md.\n";

}  // namespace

bool parse_broker_options(int argc, char** argv, BrokerOptions* out, int* exit_code,
                          std::string* message) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *message = kUsage;
      *exit_code = 0;
      return false;
    }
    if (arg == "--version") {
      *message = std::string("_s (peerlink) ") + PEERLINK_VERSION + "\n";
      *exit_code = 0;
      return false;
    }
    if (arg == "--quiet") {
      out->quiet = true;
      continue;
    }
    auto fail = [&](const std::string& why) {
      *message = "_s: " + why + "\n(try _s --help)\n";
      *exit_code = 2;
      return false;
    };
    if (i + 1 >= argc) return fail("missing value after " + std::string(arg));
    std::string_view value = argv[++i];
    long n = 0;
    if (arg == "--port") {
      if (!parse_port(std::string(value), &out->port))
        return fail("bad port: " + std::string(value));
    } else if (arg == "--bind") {
      out->bind = value;
    } else if (arg == "--log") {
      out->log_path = value;
    } else if (arg == "--request-timeout" && parse_decimal<long>(value, &n, 1, 86400)) {
      out->request_timeout_s = static_cast<int>(n);
    } else if (arg == "--offer-timeout" && parse_decimal<long>(value, &n, 1, 86400)) {
      out->offer_timeout_s = static_cast<int>(n);
    } else if (arg == "--register-timeout" && parse_decimal<long>(value, &n, 1, 86400)) {
      out->register_timeout_s = static_cast<int>(n);
    } else if (arg == "--max-output" && parse_decimal<long>(value, &n, 4096, 1L << 32)) {
      out->max_output_bytes = static_cast<size_t>(n);
    } else if (arg == "--max-event-backlog" && parse_decimal<long>(value, &n, 256, 1L << 32)) {
      out->max_event_backlog = static_cast<size_t>(n);
    } else if (arg == "--max-total-output" && parse_decimal<long>(value, &n, 65536, 1L << 40)) {
      out->max_total_output = static_cast<size_t>(n);
    } else if (arg == "--socket-sndbuf" && parse_decimal<long>(value, &n, 0, 1L << 30)) {
      out->socket_sndbuf = static_cast<size_t>(n);
    } else if (arg == "--max-files" && parse_decimal<long>(value, &n, 0, 1000000)) {
      out->max_files_per_user = static_cast<size_t>(n);
    } else if (arg == "--max-total-files" && parse_decimal<long>(value, &n, 0, 100000000)) {
      out->max_total_files = static_cast<size_t>(n);
    } else if (arg == "--max-offers-per-user" && parse_decimal<long>(value, &n, 1, 1000000)) {
      out->max_offers_per_user = static_cast<size_t>(n);
    } else if (arg == "--max-offers" && parse_decimal<long>(value, &n, 1, 10000000)) {
      out->max_offers = static_cast<size_t>(n);
    } else if (arg == "--max-chats" && parse_decimal<long>(value, &n, 1, 10000000)) {
      out->max_chats = static_cast<size_t>(n);
    } else {
      return fail("bad option or value: " + std::string(arg) + " " + std::string(value));
    }
  }
  return true;
}

}  // namespace peerlink::broker
