// Command-line options of the broker `_s`.
#include "server/options.h"

#include "common/fs/names.h"

namespace peerlink::broker {
namespace {

// `file` inside `dir`; "." (the working directory) adds nothing: "server.log", "d/server.log".
std::string inside(const std::string& dir, const char* file) {
  if (dir == ".") return file;
  if (!dir.empty() && dir.back() == '/') return dir + file;
  return dir + "/" + file;
}

// --release NAME, repeatable: each a valid user name.
OptionSetter add_release(std::vector<std::string>* out) {
  return [out](std::string_view option, const std::string& value) {
    if (!valid_user_name(value)) {
      return Result::failure(std::string(option) + ": not a valid user name: " + value);
    }
    out->push_back(value);
    return Result();
  };
}

}  // namespace

ArgsOutcome parse_broker_options(int argc, const char* const* argv, BrokerOptions* out) {
  BrokerOptions& o = *out;
  bool log_given = false;
  CommandLineSpec spec;
  spec.program = "_s";
  spec.synopsis =
      "usage: _s [--port PORT] [--bind ADDR] [--state-dir DIR] [--log FILE] [options]\n"
      "\n"
      "The peerlink broker: keeps the online users and their shared files, answers directory\n"
      "queries and relays chat requests and file offers. It never carries file bytes.\n";
  spec.options = {
      {"port", 0, "PORT", "TCP port to listen on (default 12000; 0 = any free port)",
       set_port(&o.port, true)},
      {"bind", 0, "ADDR", "address to listen on (default: all, IPv4 and IPv6)", set_text(&o.bind)},
      {"log", 0, "FILE", "append the event log here (default STATE_DIR/server.log)",
       [&o, &log_given](std::string_view, const std::string& value) {
         o.log_path = value;
         log_given = true;
         return Result();
       }},
      {"state-dir", 0, "DIR",
       "where the broker's key, the names and the log are kept\n"
       "(default: the working directory; created 0700 if missing)",
       set_nonempty_text(&o.state_dir)},
      {"key", 0, "FILE",
       "the broker's static key pair, created mode 0600 on first\n"
       "start (default STATE_DIR/broker.key)",
       set_nonempty_text(&o.key_path)},
      {"names", 0, "FILE", "which key each user name belongs to (default STATE_DIR/names)",
       set_nonempty_text(&o.names_path)},
      {"release", 0, "NAME",
       "free NAME for any key at start-up (repeatable), e.g. for a\n"
       "user who lost their key file",
       add_release(&o.release)},
      {"name-expiry-days", 0, "N",
       "a name unused this long may be taken by another key\n"
       "(default 30)",
       set_number<int>(&o.name_expiry_days, 1, 36500)},
      {"plaintext", 0, "", "teaching mode: also accept unencrypted connections",
       set_flag(&o.plaintext)},
      {"quiet", 0, "", "do not print the log on stdout", set_flag(&o.quiet)},
      {"request-timeout", 0, "SECS", "how long a chat request waits for an answer (default 30)",
       set_number<long>(&o.request_timeout_s, 1, 86400)},
      {"offer-timeout", 0, "SECS", "how long a file offer waits for answers (default 60)",
       set_number<long>(&o.offer_timeout_s, 1, 86400)},
      {"register-timeout", 0, "SECS", "time a new connection has to register (default 10)",
       set_number<long>(&o.register_timeout_s, 1, 86400)},
      {"max-output", 0, "BYTES", "output buffer per client before it is dropped (default 4194304)",
       set_number<long>(&o.max_output_bytes, 4096, 1L << 32)},
      {"max-event-backlog", 0, "BYTES",
       "pending output past which a client gets EVENT RESYNC\n"
       "instead of directory events (default 16384)",
       set_number<long>(&o.max_event_backlog, 256, 1L << 32)},
      {"max-total-output", 0, "BYTES",
       "pending output of all clients together; past it the\n"
       "slowest readers are dropped (default 134217728)",
       set_number<long>(&o.max_total_output, 65536, 1L << 40)},
      {"socket-sndbuf", 0, "BYTES", "kernel send buffer per client, 0 = autotuned (default 131072)",
       set_number<long>(&o.socket_sndbuf, 0, 1L << 30)},
      {"max-files", 0, "N", "files one user may share (default 10000)",
       set_number<long>(&o.max_files_per_user, 0, 1000000)},
      {"max-total-files", 0, "N", "files the broker holds for all users together (default 500000)",
       set_number<long>(&o.max_total_files, 0, 100000000)},
      {"max-offers-per-user", 0, "N", "pending file offers one user may have made (default 64)",
       set_number<long>(&o.max_offers_per_user, 1, 1000000)},
      {"max-offers", 0, "N", "pending file offers in total (default 10000)",
       set_number<long>(&o.max_offers, 1, 10000000)},
      {"max-chats", 0, "N", "pending chat requests in total (default 10000)",
       set_number<long>(&o.max_chats, 1, 10000000)},
      {"busy-expiry", 0, "SECS",
       "how long a user who left for a chat session is shown as\n"
       "in a chat, at most (default 14400)",
       set_number<long>(&o.busy_expiry_s, 1, 30L * 86400)},
      {"busy-grace", 0, "SECS",
       "once one end of a chat session is back, how long the other\n"
       "is still shown as in a chat (default 20)",
       set_number<long>(&o.busy_grace_s, 1, 86400)},
      {"handshake-rate", 0, "N",
       "encrypted connections one address may open per second, 0 = no limit (default 50)",
       set_number<long>(&o.handshakes_per_ip_per_s, 0, 1000000)},
  };
  spec.epilogue =
      "The first line printed is the address it listens on, the second the fingerprint of the\n"
      "broker's key, which users compare with what their lobby shows. The protocol is in\n"
      "docs/PROTOCOL.md.\n";
  ArgsOutcome outcome = parse_command_line(spec, argc, argv);
  if (!outcome.go_on()) return outcome;
  if (o.key_path.empty()) o.key_path = inside(o.state_dir, "broker.key");
  if (o.names_path.empty()) o.names_path = inside(o.state_dir, "names");
  if (!log_given) o.log_path = inside(o.state_dir, "server.log");
  return outcome;
}

}  // namespace peerlink::broker
