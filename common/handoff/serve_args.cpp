// The command line of `_peer_server --serve`.
#include "common/handoff/serve_args.h"

#include <utility>

#include "common/base/secret_fd.h"
#include "common/fs/names.h"

namespace peerlink {
namespace {

CommandLineSpec serve_spec(ServeArgs* o) {
  CommandLineSpec spec;
  spec.program = "_peer_server";
  spec.mode = "--serve";
  spec.synopsis =
      "usage: _peer_server --serve (--listen-fd N | --port P [--bind ADDR]) --share DIR\n"
      "                    --user OWNER [--log FILE] [--max-clients N] [--parent-pid P]\n"
      "                    [--max-rate BYTES_PER_SEC] [--idle-timeout SECONDS]\n"
      "                    --secret-fd N\n"
      "Serves the shared folder DIR to holders of tickets for OWNER (the lobby runs it).\n";
  spec.options = {
      {"serve", 0, "", "this mode: the file server", nullptr},
      {"listen-fd", 0, "N", "an inherited listening socket",
       set_number<int>(&o->listen_fd, 0, 1'000'000)},
      {"port", 0, "P", "listen on this port instead (0: any free one)",
       [o](std::string_view option, const std::string& value) {
         o->use_port = true;
         return set_port(&o->port, true)(option, value);
       }},
      {"bind", 0, "ADDR", "the address to listen on with --port (default: all)",
       set_text(&o->bind)},
      {"share", 0, "DIR", "the shared folder", set_text(&o->share)},
      {"user", 0, "OWNER", "whose tickets to honour", set_text(&o->user)},
      {"log", 0, "FILE", "append a log here", set_text(&o->log)},
      {"max-clients", 0, "N", "ticket holders served at once (default 64)",
       set_number<uint64_t>(&o->max_clients, 1, 4096)},
      {"parent-pid", 0, "P", "exit when process P is gone",
       set_number<uint64_t>(&o->parent_pid, 1, 0x3fffffff)},
      {"max-rate", 0, "BYTES", "bytes per second for the whole server (default: no cap)",
       set_number<uint64_t>(&o->max_rate, 0, UINT64_MAX)},
      {"idle-timeout", 0, "SECONDS", "close a connection silent this long (default 60)",
       [o](std::string_view option, const std::string& value) {
         int s = 0;
         Result r = set_number<int>(&s, 1, 86'400)(option, value);
         if (r.ok()) o->idle_timeout_ms = s * 1000;
         return r;
       }},
      {kSecretFdOption + 2, 0, "N", "the inherited descriptor holding the keys",
       set_number<int>(&o->secret_fd, 3, 1'000'000)},
  };
  spec.epilogue =
      "The owner's identity key and the ticket key are read from the inherited descriptor N\n"
      "(a pipe or memfd), never from the command line or the environment:\n"
      "  IDENTITY <the X25519 private key, 64 hex digits>\n"
      "  <the ticket key, 64 hex digits>\n"
      "Every download connection is encrypted (Noise_XX_25519_ChaChaPoly_SHA256, prologue\n"
      "\"peerlink serve 1\"); a ticket is honoured only on the connection of the key it names.\n";
  spec.check = [o] {
    if ((o->listen_fd >= 0) == o->use_port) {
      return Result::failure("give exactly one of --listen-fd and --port");
    }
    if (o->share.empty()) return Result::failure("--share DIR is required");
    if (!valid_user_name(o->user)) return Result::failure("--user needs a valid user name");
    return Result();
  };
  return spec;
}

}  // namespace

std::vector<std::string> ServeArgs::to_argv() const {
  const ServeArgs defaults;
  std::vector<std::string> argv = {"_peer_server", "--serve"};
  auto add = [&argv](const char* option, const std::string& value) {
    if (!value.empty()) argv.insert(argv.end(), {option, value});
  };
  if (listen_fd >= 0) add("--listen-fd", std::to_string(listen_fd));
  if (use_port) add("--port", std::to_string(port));
  add("--bind", bind);
  add("--share", share);
  add("--user", user);
  if (parent_pid != defaults.parent_pid) add("--parent-pid", std::to_string(parent_pid));
  add("--log", log);
  if (max_clients != defaults.max_clients) add("--max-clients", std::to_string(max_clients));
  if (max_rate != defaults.max_rate) add("--max-rate", std::to_string(max_rate));
  if (idle_timeout_ms != defaults.idle_timeout_ms) {
    add("--idle-timeout", std::to_string(idle_timeout_ms / 1000));
  }
  if (secret_fd >= 0) add(kSecretFdOption, std::to_string(secret_fd));
  return argv;
}

ArgsOutcome parse_serve_args(const std::vector<std::string>& argv, ServeArgs* out) {
  ServeArgs o;
  ArgsOutcome outcome = parse_command_line(serve_spec(&o), argv);
  if (outcome.go_on()) *out = std::move(o);
  return outcome;
}

std::string serve_usage() {
  ServeArgs unused;
  return usage_text(serve_spec(&unused));
}

}  // namespace peerlink
