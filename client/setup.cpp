// Everything `_c` settles before the lobby opens.
#include "client/setup.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "client/keys/config_dir.h"
#include "client/keys/identity.h"
#include "client/keys/known_brokers.h"
#include "client/lobby/broker_pin.h"
#include "common/base/random.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_limits.h"

namespace peerlink::lobby {
namespace {

namespace fs = std::filesystem;

// How many times a broker that drops us while we are still choosing a name (it allows 10 s to
// register) is reconnected silently before giving up.
constexpr int kSetupReconnects = 3;

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// "~/x" -> "$HOME/x": a path typed at the prompt does not go through a shell.
std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || path.empty() || path[0] != '~') return path;
  if (path.size() == 1) return home;
  if (path[1] == '/') return home + path.substr(1);
  return path;
}

// Absolute, normalised form of an existing folder; "" with *why on failure.
std::string existing_folder(const std::string& path, std::string* why) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    *why = "does not exist";
    return "";
  }
  if (!fs::is_directory(st)) {
    *why = "is not a folder";
    return "";
  }
  fs::path abs = fs::canonical(path, ec);
  if (ec) {
    *why = "cannot be opened: " + ec.message();
    return "";
  }
  return abs.string();
}

bool settle_downloads(LobbyConsole* console, ClientOptions* opt) {
  // Default: a "downloads" folder where _c was started, which is where a user looks first.
  std::string dir = opt->downloads.empty() ? "downloads" : expand_home(opt->downloads);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string why;
  std::string abs = existing_folder(dir, &why);
  if (abs.empty()) {
    console->fatal("downloads folder " + printable(dir) + " " +
                   (ec ? "cannot be created: " + ec.message() : why));
    return false;
  }
  opt->downloads = abs;
  return true;
}

bool settle_share(LobbyConsole* console, ClientOptions* opt) {
  std::string dir = opt->share;
  for (;;) {
    if (dir.empty()) {
      if (!console->ask("folder to share:", &dir)) {
        console->fatal("no shared folder given (input closed)");
        return false;
      }
      dir = trim(dir);
      if (dir.empty()) continue;
    }
    std::string why;
    std::string abs = existing_folder(expand_home(dir), &why);
    if (!abs.empty()) {
      opt->share = abs;
      return true;
    }
    console->print("shared folder " + printable(dir) + " " + why, LobbyConsole::Style::kError);
    dir.clear();
  }
}

// Loads the identity of `name` (or --identity's) into s->identity.keys; false (said) if it
// cannot be. *changed says whether it is another key than before; *note, what to tell the user
// once registered (a new key file), if anything.
bool load_name_identity(LobbyConsole* console, LobbySetup* s, const std::string& name,
                        bool* changed, std::string* note) {
  bool created = false;
  Expected<X25519KeyPair> key = load_identity(name, s->options.identity, &created);
  if (!key.ok()) {
    console->fatal("cannot load the identity key: " + key.message());
    return false;
  }
  *changed = key->public_key != s->identity.keys.public_key;
  s->identity.keys = *key;
  note->clear();
  if (created) {
    Expected<std::string> path = identity_path(name, s->options.identity);
    *note = "created a new identity key for " + name +
            (path.ok() ? " in " + printable(*path) : std::string());
  }
  return true;
}

// Asks for a user name until a valid one is typed (*name), or returns false at the end of input
// (said: `taken` is the last name refused as taken, if any).
bool ask_valid_name(LobbyConsole* console, const std::string& taken, std::string* name) {
  for (;;) {
    if (name->empty()) {
      if (!console->ask("your user name:", name)) {
        console->fatal(taken.empty() ? "no user name given (input closed)"
                                     : "name " + taken + " is taken and no other name was given");
        return false;
      }
      *name = trim(*name);
      if (name->empty()) continue;
    }
    if (valid_user_name(*name)) return true;
    console->print("bad user name " + printable(*name) +
                       ": use 1-32 letters, digits, '_', '.' or '-', starting and ending "
                       "with a letter or digit, no two of '_', '.', '-' in a row",
                   LobbyConsole::Style::kError);
    name->clear();
  }
}

// Picks a name, loads its identity, connects with it and registers. On ERR 409 asks for another
// name (on a new connection if that name has another identity).
bool settle_name(LobbyConsole* console, LobbySetup* s) {
  const ClientOptions& opt = s->options;
  std::string name = opt.user;
  std::string taken;  // the last name refused as taken, for the message when input runs out
  std::string note;   // about the identity, said once registered
  int reconnects = 0;
  for (;;) {
    if (!ask_valid_name(console, taken, &name)) return false;
    s->identity.name = name;
    bool changed = false;
    if (!load_name_identity(console, s, name, &changed, &note)) return false;
    if (changed || !s->conn.is_open()) {
      // The Noise handshake proves the identity: a name with another one needs a new connection.
      BrokerConn::OpenResult o = s->conn.open(opt.host, opt.port, s->identity.keys);
      if (!o.result.ok()) {
        console->fatal(o.result.message());
        return false;
      }
    }
    RegisterResult r = register_user(&s->conn, s->identity);
    switch (r.status) {
      case RegisterResult::Status::kRegistered:
        s->options.user = name;
        s->observed_ip = r.ip;
        console->print(registered_line(name, opt.host, opt.port), LobbyConsole::Style::kGood);
        if (!note.empty()) console->print(note, LobbyConsole::Style::kNotice);
        return true;
      case RegisterResult::Status::kTaken:
        console->print("name " + name + " is taken — choose another", LobbyConsole::Style::kError);
        taken = name;
        name.clear();
        break;
      case RegisterResult::Status::kKeyTaken:
        console->print("name " + name +
                           " belongs to another key (someone else registered it here) — choose "
                           "another, or, if it is yours, start _c with the identity file you "
                           "registered it with (--identity FILE)",
                       LobbyConsole::Style::kError);
        taken = name;
        name.clear();
        break;
      case RegisterResult::Status::kRefused:
        console->print("the broker refused the name " + name + ": " + r.message,
                       LobbyConsole::Style::kError);
        name.clear();
        break;
      case RegisterResult::Status::kLost: {
        if (++reconnects > kSetupReconnects) {
          console->fatal("lost the connection to the broker at " + host_port(opt.host, opt.port) +
                         ": " + r.message);
          return false;
        }
        BrokerConn::OpenResult o = s->conn.open(opt.host, opt.port, s->identity.keys);
        if (!o.result.ok()) {
          console->fatal(o.result.message());
          return false;
        }
        break;  // same name, new connection
      }
    }
  }
}

}  // namespace

std::string registered_line(const std::string& name, const std::string& host, uint16_t port) {
  return "registered as " + name + " on " + host_port(host, port);
}

int prepare_lobby(LobbyConsole* console, const ClientOptions& options, LobbySetup* out) {
  out->options = options;

  // The file server's socket is bound before registering, so the port the broker hands out is
  // ours for good. CLOEXEC (listen_tcp's default) keeps it out of exec'd programs; the file
  // server child alone gets it (ServeChild clears the flag in the child only).
  Expected<UniqueFd> fl = listen_tcp("", 0);
  if (!fl.ok()) {
    console->fatal("cannot open the file server port: " + fl.message());
    return 1;
  }
  out->file_listener = std::move(*fl);
  out->identity.file_port = local_port(out->file_listener.get());
  out->identity.key = random_hex(wire::kTicketKeyBytes);
  // Replaced by the name's own identity (client/keys/identity) in settle_name(), before the
  // broker link, the file server or a download uses it.
  out->identity.keys = x25519_generate();
  out->identity.claim_key = options.plaintext;

  // The broker's key is checked against --broker-key or the pinned one (client/lobby/broker_pin.h).
  BrokerConn::Security security;
  security.plaintext = options.plaintext;
  if (!options.plaintext) {
    Expected<std::string> dir = config_dir();
    if (!dir.ok()) {
      console->fatal(dir.message());
      return 1;
    }
    BrokerPin pin;
    pin.known_brokers = KnownBrokers::path_in(*dir);
    pin.host_port = host_port(options.host, options.port);
    pin.fingerprint = options.broker_key;
    pin.say = [console](const std::string& line) {
      console->print(line, LobbyConsole::Style::kNotice);
    };
    security.check_key = broker_pin_check(std::move(pin));
  }
  out->conn.set_security(std::move(security));

  // The folders are checked before registering: others must not see us join and leave while
  // we complain about --share. The name is asked first all the same (the order people expect);
  // the connection is opened once it, and so the identity, is known (settle_name).
  if (!ask_valid_name(console, "", &out->options.user)) return 1;
  if (!settle_share(console, &out->options)) return 1;
  if (!settle_downloads(console, &out->options)) return 1;
  if (!settle_name(console, out)) return 1;
  return 0;
}

}  // namespace peerlink::lobby
