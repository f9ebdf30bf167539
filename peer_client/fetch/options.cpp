// Command line of `_peer_client --fetch`.
#include "peer_client/fetch/options.h"

#include <fcntl.h>

#include <charconv>
#include <string_view>
#include <utility>

#include "common/base/hex.h"
#include "common/base/numbers.h"
#include "common/base/secret_fd.h"
#include "common/fs/names.h"

namespace peerlink::peer_client {
const char* fetch_usage() {
  return "usage: _peer_client --fetch --name NAME --size BYTES --sha256 HEX --downloads DIR\n"
         "                    --user REQUESTER --secret-fd FD [--progress-fd FD] [--parallel N]\n"
         "  The sources (they hold tickets, which are secrets) are read from the inherited\n"
         "  descriptor given by --secret-fd (a pipe or memfd): one line per owner, exactly as\n"
         "  the broker's WHOHAS reply gives it:\n"
         "  OWNER <owner> <ip> <port> <file-name> <size> <sha256> <ticket>\n";
}

bool parse_fetch_options(int argc, char** argv, FetchOptions* out, std::string* error) {
  FetchOptions o;
  bool have_size = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view opt = argv[i];
    if (i + 1 >= argc) {
      *error = "missing value for " + std::string(opt);
      return false;
    }
    const std::string value = argv[++i];
    uint64_t n = 0;
    if (opt == "--name") {
      o.name = value;
    } else if (opt == "--size") {
      if (!parse_u64(value, &o.size)) {
        *error = "bad --size " + value;
        return false;
      }
      have_size = true;
    } else if (opt == "--sha256") {
      if (!parse_sha256_hex(value, &o.sha256)) {
        *error = "bad --sha256 (64 hex digits expected)";
        return false;
      }
    } else if (opt == "--downloads") {
      o.downloads = value;
    } else if (opt == "--user") {
      o.user = value;
    } else if (opt == "--progress-fd") {
      if (!parse_u64(value, &n) || n > 1'000'000 || ::fcntl(static_cast<int>(n), F_GETFD) < 0) {
        *error = "bad --progress-fd " + value + " (not an open descriptor)";
        return false;
      }
      o.progress_fd = static_cast<int>(n);
    } else if (opt == kSecretFdOption) {
      if (!parse_u64(value, &n) || n < 3 || n > 1'000'000) {
        *error = "bad --secret-fd " + value;
        return false;
      }
      o.secret_fd = static_cast<int>(n);
    } else if (opt == "--parallel") {
      if (!parse_u64(value, &n) || n == 0 || n > 64) {
        *error = "bad --parallel " + value + " (1..64)";
        return false;
      }
      o.parallel = static_cast<size_t>(n);
    } else {
      *error = "unknown option " + std::string(opt);
      return false;
    }
  }
  if (o.name.empty())
    *error = "--name is required";
  else if (!have_size)
    *error = "--size is required";
  else if (o.sha256.empty())
    *error = "--sha256 is required";
  else if (o.downloads.empty())
    *error = "--downloads is required";
  else if (!valid_user_name(o.user))
    *error = "--user needs a valid user name";
  else {
    *out = std::move(o);
    return true;
  }
  return false;
}

}  // namespace peerlink::peer_client
