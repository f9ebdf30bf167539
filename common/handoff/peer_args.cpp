// Command-line options of the two peer programs in session mode (docs/HANDOFF.md).
#include "common/handoff/peer_args.h"
#include "common/base/numbers.h"

#include "common/base/secret_fd.h"
#include "common/fs/names.h"
#include "common/net/net.h"

namespace peerlink {
namespace {

constexpr int kMaxSeconds = 86400;

PeerArgsResult error(std::string message) {
  return {PeerArgsResult::Action::kError, std::move(message)};
}

}  // namespace

PeerArgsResult parse_peer_args(PeerProgram program, const std::vector<std::string>& args,
                               PeerArgs* out) {
  const bool server = program == PeerProgram::kServer;
  PeerArgs a;
  bool have_port = false, have_server_port = false;
  for (const std::string& opt : args) {
    if (opt == "--help" || opt == "-h") return {PeerArgsResult::Action::kHelp, ""};
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& opt = args[i];
    if (opt == "--session") {
      a.session = true;
      continue;
    }
    if (opt == "--no-lobby") {
      a.no_lobby = true;
      continue;
    }
    const bool takes_value =
        opt == "--peer" || opt == "--server" || opt == "--server-port" || opt == "--user" ||
        opt == "--share" || opt == "--downloads" || opt == kSecretFdOption ||
        (server && (opt == "--listen-fd" || opt == "--wait")) ||
        (!server && (opt == "--host" || opt == "--port" || opt == "--connect-timeout"));
    if (!takes_value) return error("unknown option " + opt);
    if (i + 1 >= args.size()) return error(opt + " needs a value");
    const std::string& v = args[++i];
    if (opt == "--peer") {
      if (!valid_user_name(v)) return error("bad --peer " + v + ": not a valid user name");
      a.peer = v;
    } else if (opt == "--user") {
      if (!valid_user_name(v)) return error("bad --user " + v + ": not a valid user name");
      a.user = v;
    } else if (opt == "--server") {
      if (v.empty()) return error("--server needs a host");
      a.server = v;
    } else if (opt == "--server-port") {
      if (!parse_port(v, &a.server_port) || a.server_port == 0)
        return error("bad --server-port " + v + ": not a port (1-65535)");
      have_server_port = true;
    } else if (opt == "--share") {
      if (v.empty()) return error("--share needs a folder");
      a.share = v;
    } else if (opt == "--downloads") {
      if (v.empty()) return error("--downloads needs a folder");
      a.downloads = v;
    } else if (opt == kSecretFdOption) {
      if (!parse_decimal<int>(v, &a.secret_fd, 3, 1 << 24))
        return error("bad --secret-fd " + v + ": not a descriptor number (3 or more)");
    } else if (opt == "--listen-fd") {
      if (!parse_decimal<int>(v, &a.listen_fd, 3, 1 << 24))
        return error("bad --listen-fd " + v + ": not a descriptor number (3 or more)");
    } else if (opt == "--wait") {
      if (!parse_decimal<int>(v, &a.wait_seconds, 1, kMaxSeconds))
        return error("bad --wait " + v + ": not a number of seconds (1-86400)");
    } else if (opt == "--host") {
      if (v.empty()) return error("--host needs an address");
      a.host = v;
    } else if (opt == "--port") {
      if (!parse_port(v, &a.port) || a.port == 0)
        return error("bad --port " + v + ": not a port (1-65535)");
      have_port = true;
    } else if (opt == "--connect-timeout") {
      if (!parse_decimal<int>(v, &a.connect_timeout_seconds, 1, kMaxSeconds))
        return error("bad --connect-timeout " + v + ": not a number of seconds (1-86400)");
    }
  }
  if (!a.session) return error("missing --session");
  if (server && a.listen_fd < 0) return error("missing --listen-fd");
  if (!server && a.host.empty()) return error("missing --host");
  if (!server && !have_port) return error("missing --port");
  if (a.peer.empty()) return error("missing --peer");
  if (a.user.empty()) return error("missing --user");
  if (a.downloads.empty()) return error("missing --downloads");
  if (!a.no_lobby) {
    if (a.server.empty()) return error("missing --server (or --no-lobby)");
    if (!have_server_port) return error("missing --server-port (or --no-lobby)");
    if (a.share.empty()) return error("missing --share (or --no-lobby)");
  }
  *out = std::move(a);
  return {PeerArgsResult::Action::kRun, ""};
}

std::string peer_usage(PeerProgram program) {
  const std::string common =
      "  --peer NAME            the other user (as the broker named them)\n"
      "  --server HOST          the broker, to return to the lobby afterwards\n"
      "  --server-port PORT\n"
      "  --user NAME            your own user name\n"
      "  --share DIR            your shared folder (handed back to the lobby)\n"
      "  --downloads DIR        where received files are saved\n"
      "  --no-lobby             exit when the session ends instead of returning to the lobby\n"
      "                         (status 0 after a clean end, 1 otherwise)\n"
      "  --secret-fd N          inherited descriptor holding the one-time session token\n"
      "                         (never argv or the environment, which others can read)\n"
      "Normally started by the lobby _c (see docs/HANDOFF.md), not by hand.\n";
  if (program == PeerProgram::kServer) {
    return "usage: _peer_server --session --listen-fd N --peer NAME --server HOST\n"
           "                    --server-port PORT --user NAME --share DIR --downloads DIR\n"
           "                    --secret-fd N [--wait SECONDS] [--no-lobby]\n"
           "Waits on the inherited listening socket N for the peer holding the session token,\n"
           "then runs a chat session with file transfers.\n"
           "  --listen-fd N          inherited listening socket\n"
           "  --wait SECONDS         how long to wait for the peer (default 60)\n" +
           common;
  }
  return "usage: _peer_client --session --host IP --port PORT --peer NAME --server HOST\n"
         "                    --server-port PORT --user NAME --share DIR --downloads DIR\n"
         "                    --secret-fd N [--connect-timeout SECONDS] [--no-lobby]\n"
         "Connects to the peer's _peer_server (retrying), presents the session token, then runs\n"
         "a chat session with file transfers.\n"
         "  --host IP --port PORT  where the peer waits\n"
         "  --connect-timeout S    how long to keep retrying the connection (default 15)\n" +
         common;
}

}  // namespace peerlink
