// Command line of `_peer_server --serve`.
#include "peer_server/serve/options.h"

#include <charconv>
#include <string_view>
#include <utility>

#include "common/base/numbers.h"
#include "common/base/secret_fd.h"
#include "common/fs/names.h"
#include "common/net/net.h"

namespace peerlink::peer_server {
const char* serve_usage() {
  return "usage: _peer_server --serve (--listen-fd N | --port P [--bind ADDR]) --share DIR\n"
         "                    --user OWNER [--log FILE] [--max-clients N] [--parent-pid P]\n"
         "                    [--max-rate BYTES_PER_SEC] [--idle-timeout SECONDS]\n"
         "                    --secret-fd N\n"
         "  The ticket key (64 hex digits) is read from the inherited descriptor N (a pipe or\n"
         "  memfd), never from the command line or the environment.\n";
}

bool parse_serve_options(int argc, char** argv, ServeOptions* out, std::string* error) {
  ServeOptions o;
  bool have_fd = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view opt = argv[i];
    if (i + 1 >= argc) {
      *error = "missing value for " + std::string(opt);
      return false;
    }
    const std::string value = argv[++i];
    uint64_t n = 0;
    if (opt == "--listen-fd") {
      if (!parse_u64(value, &n) || n > 1'000'000) {
        *error = "bad --listen-fd " + value;
        return false;
      }
      o.listen_fd = static_cast<int>(n);
      have_fd = true;
    } else if (opt == "--port") {
      if (!parse_port(value, &o.port)) {
        *error = "bad --port " + value;
        return false;
      }
      o.use_port = true;
    } else if (opt == "--bind") {
      o.bind = value;
    } else if (opt == "--share") {
      o.share = value;
    } else if (opt == "--user") {
      o.user = value;
    } else if (opt == "--log") {
      o.log = value;
    } else if (opt == "--max-clients") {
      if (!parse_u64(value, &n) || n == 0 || n > 4096) {
        *error = "bad --max-clients " + value + " (1..4096)";
        return false;
      }
      o.max_clients = static_cast<size_t>(n);
    } else if (opt == "--parent-pid") {
      if (!parse_u64(value, &n) || n < 1 || n > 0x3fffffff) {
        *error = "bad --parent-pid " + value;
        return false;
      }
      o.parent_pid = static_cast<pid_t>(n);
    } else if (opt == "--max-rate") {
      if (!parse_u64(value, &n)) {
        *error = "bad --max-rate " + value;
        return false;
      }
      o.max_rate = n;
    } else if (opt == kSecretFdOption) {
      if (!parse_u64(value, &n) || n < 3 || n > 1'000'000) {
        *error = "bad --secret-fd " + value;
        return false;
      }
      o.secret_fd = static_cast<int>(n);
    } else if (opt == "--idle-timeout") {
      if (!parse_u64(value, &n) || n == 0 || n > 86'400) {
        *error = "bad --idle-timeout " + value;
        return false;
      }
      o.idle_timeout_ms = static_cast<int>(n * 1000);
    } else {
      *error = "unknown option " + std::string(opt);
      return false;
    }
  }
  if (have_fd == o.use_port) {
    *error = "give exactly one of --listen-fd and --port";
    return false;
  }
  if (o.share.empty()) {
    *error = "--share DIR is required";
    return false;
  }
  if (!valid_user_name(o.user)) {
    *error = "--user needs a valid user name";
    return false;
  }
  *out = std::move(o);
  return true;
}

}  // namespace peerlink::peer_server
