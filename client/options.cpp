// Command-line options of the lobby client `_c`.
#include "client/options.h"

#include <string_view>
#include <vector>

#include "common/base/numbers.h"
#include "common/net/net.h"

namespace peerlink::lobby {
namespace {

constexpr const char* kUsage =
    "usage: _c <server-host> <server-port> [--user NAME] [--share DIR] [--downloads DIR]\n"
    "\n"
    "The peerlink lobby: registers with the broker _s, shows who is online, starts chat\n"
    "sessions, shares a folder (a background file server serves it) and downloads and sends\n"
    "files. What is not given on the command line is asked for.\n"
    "\n"
    "  <server-host>            the broker's host name, IPv4 or IPv6 address\n"
    "  <server-port>            the broker's port (its default is 12000)\n"
    "  --user NAME              your name: 1-32 letters, digits, '_', '.', '-'\n"
    "  --share DIR              the folder you share (must exist)\n"
    "  --downloads DIR          where received files go (default: ./downloads, created;\n"
    "                           files there are not shared unless it is the shared folder)\n"
    "  --reconnect-attempts N   tries to reach a lost broker before giving up (default 10)\n"
    "  --help, --version\n"
    "\n"
    "Lobby commands (a number from the menu or the word): users, info USER, chat USER,\n"
    "files [USER], search TEXT, get NAME [USER], send PATH USER..., share, transfers, help,\n"
    "quit. A chat request or a file offer is answered with y or n (the oldest question first).\n"
    "See docs/LOBBY.md.\n";

}  // namespace

const char* client_usage() { return kUsage; }

bool parse_client_options(int argc, const char* const* argv, ClientOptions* out, int* exit_code,
                          std::string* message) {
  auto fail = [&](const std::string& why) {
    *message = "_c: " + why + "\n(try _c --help)\n";
    *exit_code = 2;
    return false;
  };
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *message = kUsage;
      *exit_code = 0;
      return false;
    }
    if (arg == "--version") {
      *message = std::string("_c (peerlink) ") + PEERLINK_VERSION + "\n";
      *exit_code = 0;
      return false;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      if (i + 1 >= argc) return fail("missing value after " + std::string(arg));
      std::string_view value = argv[++i];
      if (arg == "--user") {
        out->user = value;
      } else if (arg == "--share") {
        out->share = value;
      } else if (arg == "--downloads") {
        out->downloads = value;
      } else if (arg == "--reconnect-attempts") {
        if (!parse_decimal<int>(value, &out->reconnect_attempts, 0, 1000)) {
          return fail("bad number of attempts: " + std::string(value));
        }
      } else if (arg == "--serve-log") {
        // Not in --help: for tests and diagnosis (docs/LOBBY.md, "Test and diagnostic options").
        if (value.empty()) return fail("empty --serve-log");
        out->serve_log = value;
      } else if (arg == "--serve-max-rate") {
        if (!parse_decimal<uint64_t>(value, &out->serve_max_rate, 0, uint64_t{1} << 63)) {
          return fail("bad --serve-max-rate: " + std::string(value));
        }
      } else {
        return fail("unknown option " + std::string(arg));
      }
      continue;
    }
    positional.push_back(arg);
  }
  if (positional.size() != 2) {
    return fail(positional.size() < 2 ? "the broker's host and port are required"
                                      : "too many arguments");
  }
  if (positional[0].empty()) return fail("empty server host");
  out->host = positional[0];
  if (!parse_port(std::string(positional[1]), &out->port) || out->port == 0) {
    return fail("bad server port: " + std::string(positional[1]));
  }
  return true;
}

}  // namespace peerlink::lobby
