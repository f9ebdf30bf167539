// Command-line options of the two peer programs in session mode (docs/HANDOFF.md).
#include "common/handoff/peer_args.h"

#include <utility>

#include "common/base/hex.h"
#include "common/base/numbers.h"
#include "common/base/secret_fd.h"
#include "common/crypto/fingerprint.h"
#include "common/fs/names.h"

namespace peerlink {
namespace {

constexpr int kMaxSeconds = 86400;

std::string bad(std::string_view option, const std::string& value, const char* why) {
  return "bad " + std::string(option) + " " + value + ": " + why;
}

OptionSetter user_name(std::string* out) {
  return [out](std::string_view option, const std::string& v) {
    if (!valid_user_name(v)) return Result::failure(bad(option, v, "not a valid user name"));
    *out = v;
    return Result();
  };
}

OptionSetter port_number(uint16_t* out) {
  return [out](std::string_view option, const std::string& v) {
    if (!parse_decimal<uint16_t>(v, out, 1, 65535)) {
      return Result::failure(bad(option, v, "not a port (1-65535)"));
    }
    return Result();
  };
}

OptionSetter descriptor(int* out) {
  return [out](std::string_view option, const std::string& v) {
    if (!parse_decimal<int>(v, out, 3, 1 << 24)) {
      return Result::failure(bad(option, v, "not a descriptor number (3 or more)"));
    }
    return Result();
  };
}

OptionSetter seconds(int* out) {
  return [out](std::string_view option, const std::string& v) {
    if (!parse_decimal<int>(v, out, 1, kMaxSeconds)) {
      return Result::failure(bad(option, v, "not a number of seconds (1-86400)"));
    }
    return Result();
  };
}

OptionSetter public_key(std::string* out) {
  return [out](std::string_view option, const std::string& v) {
    if (!parse_sha256_hex(v, out)) return Result::failure(bad(option, v, "not 64 hex digits"));
    return Result();
  };
}

// Text that may not be empty: "--server needs a host".
OptionSetter named(std::string* out, const char* what) {
  return [out, what](std::string_view option, const std::string& v) {
    if (v.empty()) return Result::failure(std::string(option) + " needs " + what);
    *out = v;
    return Result();
  };
}

// --broker-key FP, as the lobby gave it (any form parse_fingerprint() reads).
OptionSetter fingerprint(std::string* out) {
  return [out](std::string_view option, const std::string& v) {
    Expected<std::string> fp = parse_fingerprint(v);
    if (!fp.ok()) return Result::failure(bad(option, v, fp.message().c_str()));
    *out = std::move(*fp);
    return Result();
  };
}

CommandLineSpec peer_spec(PeerProgram program, PeerArgs* a) {
  const bool server = program == PeerProgram::kServer;
  CommandLineSpec spec;
  spec.program = server ? "_peer_server" : "_peer_client";
  if (server) {
    spec.synopsis =
        "usage: _peer_server --session --listen-fd N --peer NAME --peer-key HEX --server HOST\n"
        "                    --server-port PORT --user NAME --share DIR --downloads DIR\n"
        "                    --secret-fd N [--wait SECONDS] [--no-lobby]\n"
        "Waits on the inherited listening socket N for the peer holding the session token and\n"
        "the vouched key, then runs an encrypted chat session with file transfers.\n";
    spec.options = {
        {"session", 0, "", "session mode (the lobby's hand-off)", set_flag(&a->session)},
        {"listen-fd", 0, "N", "inherited listening socket", descriptor(&a->listen_fd)},
        {"wait", 0, "SECONDS", "how long to wait for the peer (default 60)",
         seconds(&a->wait_seconds)},
    };
  } else {
    spec.synopsis =
        "usage: _peer_client --session --host IP --port PORT --peer NAME --peer-key HEX\n"
        "                    --server HOST --server-port PORT --user NAME --share DIR\n"
        "                    --downloads DIR --secret-fd N [--connect-timeout SECONDS]\n"
        "                    [--no-lobby]\n"
        "Connects to the peer's _peer_server (retrying), checks its key, presents the session\n"
        "token, then runs an encrypted chat session with file transfers.\n";
    spec.options = {
        {"session", 0, "", "session mode (the lobby's hand-off)", set_flag(&a->session)},
        {"host", 0, "IP", "where the peer waits", named(&a->host, "an address")},
        {"port", 0, "PORT", "the port it waits on", port_number(&a->port)},
        {"connect-timeout", 0, "S", "how long to keep retrying the connection (default 15)",
         seconds(&a->connect_timeout_seconds)},
    };
  }
  const std::vector<OptionSpec> common = {
      {"peer", 0, "NAME", "the other user (as the broker named them)", user_name(&a->peer)},
      {"peer-key", 0, "HEX",
       "the other user's public key as the broker vouched for it (64 hex digits);\n"
       "a session presenting another key is refused",
       public_key(&a->peer_key)},
      {"server", 0, "HOST", "the broker, to return to the lobby afterwards",
       named(&a->server, "a host")},
      {"server-port", 0, "PORT", "", port_number(&a->server_port)},
      {"user", 0, "NAME", "your own user name", user_name(&a->user)},
      {"share", 0, "DIR", "your shared folder (handed back to the lobby)",
       named(&a->share, "a folder")},
      {"downloads", 0, "DIR", "where received files are saved", named(&a->downloads, "a folder")},
      {"no-lobby", 0, "",
       "exit when the session ends instead of returning to the lobby\n"
       "(status 0 after a clean end, 1 otherwise)",
       set_flag(&a->no_lobby)},
      {kSecretFdOption + 2, 0, "N",
       "inherited descriptor holding the one-time session token and\n"
       "your identity key (never argv or the environment, which others can read)",
       descriptor(&a->secret_fd)},
      {"broker-key", 0, "FP", "the lobby's --broker-key (handed back to it)",
       fingerprint(&a->broker_key)},
      {"identity", 0, "FILE", "the lobby's --identity (handed back to it)",
       named(&a->identity, "a file")},
      {"plaintext", 0, "", "the lobby's --plaintext (handed back to it)", set_flag(&a->plaintext)},
      {"bytes", 0, "", "the lobby's --bytes (handed back to it)", set_flag(&a->bytes)},
      {"strict", 0, "", "the lobby's --strict (handed back to it)", set_flag(&a->strict)},
      {"no-wait", 0, "", "the lobby's --no-wait (handed back to it)", set_flag(&a->no_wait)},
  };
  spec.options.insert(spec.options.end(), common.begin(), common.end());
  spec.epilogue =
      std::string("Normally started by the lobby _c (see docs/HANDOFF.md), not by hand.\n") +
      (server ? "_peer_server --serve --help: the lobby's background file server.\n"
              : "_peer_client --fetch --help: the lobby's background downloads.\n");
  spec.check = [a, server]() {
    if (!a->session) return Result::failure("missing --session");
    if (server && a->listen_fd < 0) return Result::failure("missing --listen-fd");
    if (!server && a->host.empty()) return Result::failure("missing --host");
    if (!server && a->port == 0) return Result::failure("missing --port");
    if (a->peer.empty()) return Result::failure("missing --peer");
    if (a->peer_key.empty()) return Result::failure("missing --peer-key");
    if (a->user.empty()) return Result::failure("missing --user");
    if (a->downloads.empty()) return Result::failure("missing --downloads");
    if (!a->no_lobby) {
      if (a->server.empty()) return Result::failure("missing --server (or --no-lobby)");
      if (a->server_port == 0) return Result::failure("missing --server-port (or --no-lobby)");
      if (a->share.empty()) return Result::failure("missing --share (or --no-lobby)");
    }
    return Result();
  };
  return spec;
}

}  // namespace

std::vector<std::string> PeerArgs::to_argv(PeerProgram program) const {
  const PeerArgs defaults;
  const bool server_side = program == PeerProgram::kServer;
  std::vector<std::string> argv = {server_side ? "_peer_server" : "_peer_client"};
  auto add = [&argv](const char* option, const std::string& value) {
    if (!value.empty()) argv.insert(argv.end(), {option, value});
  };
  auto add_number = [&add](const char* option, long value, long unset) {
    if (value != unset) add(option, std::to_string(value));
  };
  if (session) argv.push_back("--session");
  if (server_side) {
    add_number("--listen-fd", listen_fd, defaults.listen_fd);
  } else {
    add("--host", host);
    add_number("--port", port, defaults.port);
  }
  add("--peer", peer);
  add("--peer-key", peer_key);
  add("--server", this->server);
  add_number("--server-port", server_port, defaults.server_port);
  add("--user", user);
  add("--share", share);
  add("--downloads", downloads);
  add_number(kSecretFdOption, secret_fd, defaults.secret_fd);
  if (server_side) {
    add_number("--wait", wait_seconds, defaults.wait_seconds);
  } else {
    add_number("--connect-timeout", connect_timeout_seconds, defaults.connect_timeout_seconds);
  }
  add("--broker-key", broker_key);
  add("--identity", identity);
  if (plaintext) argv.push_back("--plaintext");
  if (bytes) argv.push_back("--bytes");
  if (strict) argv.push_back("--strict");
  if (no_wait) argv.push_back("--no-wait");
  if (no_lobby) argv.push_back("--no-lobby");
  return argv;
}

LobbyArgs PeerArgs::lobby() const {
  LobbyArgs l;
  l.host = server;
  l.port = server_port;
  l.user = user;
  l.share = share;
  l.downloads = downloads;
  l.broker_key = broker_key;
  l.identity = identity;
  l.plaintext = plaintext;
  l.bytes = bytes;
  l.strict = strict;
  l.no_wait = no_wait;
  return l;
}

ArgsOutcome parse_peer_args(PeerProgram program, const std::vector<std::string>& argv,
                            PeerArgs* out) {
  PeerArgs a;
  ArgsOutcome outcome = parse_command_line(peer_spec(program, &a), argv);
  if (outcome.go_on()) *out = std::move(a);
  return outcome;
}

std::string peer_usage(PeerProgram program) {
  PeerArgs unused;
  return usage_text(peer_spec(program, &unused));
}

}  // namespace peerlink
