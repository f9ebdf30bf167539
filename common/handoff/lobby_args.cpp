// The command line of the lobby `_c`.
#include "common/handoff/lobby_args.h"

#include <utility>

#include "common/crypto/fingerprint.h"
#include "common/net/net.h"

namespace peerlink {
namespace {

// --broker-key FP: any form parse_fingerprint() reads, kept as the 64 lower-case digits.
OptionSetter set_fingerprint(std::string* out) {
  return [out](std::string_view option, const std::string& value) {
    Expected<std::string> fp = parse_fingerprint(value);
    if (!fp.ok()) return Result::failure(std::string(option) + ": " + fp.message());
    *out = std::move(*fp);
    return Result();
  };
}

CommandLineSpec lobby_spec(LobbyArgs* a) {
  CommandLineSpec spec;
  spec.program = "_c";
  spec.synopsis =
      "usage: _c <server-host> <server-port> [--user NAME] [--share DIR] [--downloads DIR]\n"
      "\n"
      "The peerlink lobby: registers with the broker _s, shows who is online, starts chat\n"
      "sessions, shares a folder (a background file server serves it) and downloads and sends\n"
      "files. What is not given on the command line is asked for.\n"
      "\n"
      "  <server-host>           the broker's host name, IPv4 or IPv6 address\n"
      "  <server-port>           the broker's port (its default is 12000)\n";
  spec.options = {
      {"user", 0, "NAME", "your name: 1-32 letters, digits, '_', '.', '-'", set_text(&a->user)},
      {"share", 0, "DIR", "the folder you share (must exist)", set_text(&a->share)},
      {"downloads", 0, "DIR",
       "where received files go (default: ./downloads, created;\n"
       "files there are not shared unless it is the shared folder)",
       set_text(&a->downloads)},
      {"reconnect-attempts", 0, "N", "tries to reach a lost broker before giving up\n(default 10)",
       set_number<int>(&a->reconnect_attempts, 0, 1000)},
      {"broker-key", 0, "FP",
       "the broker's key fingerprint, as _s prints it: pinned for\n"
       "this host:port instead of trusting the first key seen",
       set_fingerprint(&a->broker_key)},
      {"identity", 0, "FILE",
       "your key file (default: identity-NAME.key in\n"
       "$XDG_CONFIG_HOME/peerlink or ~/.config/peerlink)",
       set_nonempty_text(&a->identity)},
      {"plaintext", 0, "", "talk to the broker unencrypted (only for _s --plaintext)",
       set_flag(&a->plaintext)},
      {"bytes", 0, "", "exact sizes in bytes in files and search listings", set_flag(&a->bytes)},
      {"strict", 0, "",
       "without a terminal: exit with status 1 at the first failing\n"
       "command or download (else at the end)",
       set_flag(&a->strict)},
      {"no-wait", 0, "",
       "without a terminal: quit and the end of input stop running\n"
       "downloads (else they are waited for)",
       set_flag(&a->no_wait)},
      // Not in --help: for tests and diagnosis (docs/LOBBY.md, "Test and diagnostic options").
      {"serve-log", 0, "FILE", "", set_nonempty_text(&a->serve_log), true},
      {"serve-max-rate", 0, "BYTES", "",
       set_number<uint64_t>(&a->serve_max_rate, 0, uint64_t{1} << 63), true},
  };
  spec.epilogue =
      "Lobby commands (a number from the menu or the word): users, info USER, chat USER,\n"
      "files [USER], search TEXT, get NAME [USER], send PATH USER..., share, transfers, wait,\n"
      "help, quit [now]. A chat request or a file offer is answered with y or n (the oldest "
      "question first).\n"
      "See docs/LOBBY.md.\n";
  spec.positional = [a](const std::vector<std::string>& args) {
    if (args.size() < 2) return Result::failure("the broker's host and port are required");
    if (args.size() > 2) return Result::failure("unexpected argument " + args[2]);
    if (args[0].empty()) return Result::failure("empty server host");
    if (!parse_decimal<uint16_t>(args[1], &a->port, 1, 65535)) {
      return Result::failure("bad server port: " + args[1]);
    }
    a->host = unbracket_host(args[0]);  // "[::1]", as the programs print it, is "::1"
    return Result();
  };
  return spec;
}

}  // namespace

std::vector<std::string> LobbyArgs::to_argv() const {
  const LobbyArgs defaults;
  std::vector<std::string> argv = {"_c"};
  // A host that looks like an option goes after "--", at the end.
  const bool dashed = !host.empty() && host[0] == '-';
  if (!dashed) argv.insert(argv.end(), {host, std::to_string(port)});
  auto add = [&argv](const char* option, const std::string& value) {
    if (!value.empty()) argv.insert(argv.end(), {option, value});
  };
  add("--user", user);
  add("--share", share);
  add("--downloads", downloads);
  if (reconnect_attempts != defaults.reconnect_attempts) {
    add("--reconnect-attempts", std::to_string(reconnect_attempts));
  }
  add("--broker-key", broker_key);
  add("--identity", identity);
  if (plaintext) argv.push_back("--plaintext");
  if (bytes) argv.push_back("--bytes");
  if (strict) argv.push_back("--strict");
  if (no_wait) argv.push_back("--no-wait");
  add("--serve-log", serve_log);
  if (serve_max_rate != defaults.serve_max_rate) {
    add("--serve-max-rate", std::to_string(serve_max_rate));
  }
  if (dashed) argv.insert(argv.end(), {"--", host, std::to_string(port)});
  return argv;
}

ArgsOutcome parse_lobby_args(const std::vector<std::string>& argv, LobbyArgs* out) {
  LobbyArgs a;
  ArgsOutcome outcome = parse_command_line(lobby_spec(&a), argv);
  if (outcome.go_on()) *out = std::move(a);
  return outcome;
}

std::string lobby_usage() {
  LobbyArgs unused;
  return usage_text(lobby_spec(&unused));
}

}  // namespace peerlink
