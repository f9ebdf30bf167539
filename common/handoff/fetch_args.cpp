// The command line of `_peer_client --fetch`.
#include "common/handoff/fetch_args.h"

#include <fcntl.h>

#include <utility>

#include "common/base/hex.h"
#include "common/base/secret_fd.h"
#include "common/fs/names.h"

namespace peerlink {
namespace {

CommandLineSpec fetch_spec(FetchArgs* o, bool* have_size) {
  CommandLineSpec spec;
  spec.program = "_peer_client";
  spec.mode = "--fetch";
  spec.synopsis =
      "usage: _peer_client --fetch --name NAME --size BYTES --sha256 HEX --downloads DIR\n"
      "                    --user REQUESTER --secret-fd FD [--progress-fd FD] [--parallel N]\n"
      "Downloads one file from the shared folders of its owners (the lobby runs it).\n";
  spec.options = {
      {"fetch", 0, "", "this mode: a download", nullptr},
      {"name", 0, "NAME", "the file's name", set_text(&o->name)},
      {"size", 0, "BYTES", "its size",
       [o, have_size](std::string_view option, const std::string& value) {
         Result r = set_number<uint64_t>(&o->size, 0, UINT64_MAX)(option, value);
         if (r.ok()) *have_size = true;
         return r;
       }},
      {"sha256", 0, "HEX", "its SHA-256 (64 hex digits)",
       [o](std::string_view option, const std::string& value) {
         if (parse_sha256_hex(value, &o->sha256)) return Result();
         return Result::failure(std::string(option) + ": not 64 hex digits: " + value);
       }},
      {"downloads", 0, "DIR", "where NAME.part and the file go", set_text(&o->downloads)},
      {"user", 0, "REQUESTER", "who asks, as the tickets name them", set_text(&o->user)},
      {"progress-fd", 0, "FD", "write progress lines to this open descriptor",
       [o](std::string_view option, const std::string& value) {
         int fd = -1;
         if (!parse_decimal<int>(value, &fd, 0, 1'000'000) || ::fcntl(fd, F_GETFD) < 0) {
           return Result::failure(std::string(option) + ": not an open descriptor: " + value);
         }
         o->progress_fd = fd;
         return Result();
       }},
      {"parallel", 0, "N", "sources used at once (default 8)",
       set_number<uint64_t>(&o->parallel, 1, 64)},
      {kSecretFdOption + 2, 0, "FD",
       "the inherited descriptor holding the identity and the sources",
       set_number<int>(&o->secret_fd, 3, 1'000'000)},
  };
  spec.epilogue =
      "The requester's identity key and the sources (they hold tickets) are secrets, read\n"
      "from the inherited descriptor given by --secret-fd (a pipe or memfd): the identity\n"
      "line, then one line per owner, exactly as the broker's WHOHAS reply gives it:\n"
      "  IDENTITY <the X25519 private key, 64 hex digits>\n"
      "  OWNER <owner> <ip> <port> <file-name> <size> <sha256> <owner-key> <ticket>\n"
      "Each owner's file server must prove it holds <owner-key> "
      "(Noise_XX_25519_ChaChaPoly_SHA256,\n"
      "prologue \"peerlink serve 1\"), or that source is refused.\n";
  spec.check = [o, have_size] {
    if (o->name.empty()) return Result::failure("--name is required");
    if (!*have_size) return Result::failure("--size is required");
    if (o->sha256.empty()) return Result::failure("--sha256 is required");
    if (o->downloads.empty()) return Result::failure("--downloads is required");
    if (!valid_user_name(o->user)) return Result::failure("--user needs a valid user name");
    return Result();
  };
  return spec;
}

}  // namespace

std::vector<std::string> FetchArgs::to_argv() const {
  const FetchArgs defaults;
  std::vector<std::string> argv = {
      "_peer_client", "--fetch", "--name",      name,      "--size", std::to_string(size),
      "--sha256",     sha256,    "--downloads", downloads, "--user", user};
  if (progress_fd >= 0) argv.insert(argv.end(), {"--progress-fd", std::to_string(progress_fd)});
  if (parallel != defaults.parallel) {
    argv.insert(argv.end(), {"--parallel", std::to_string(parallel)});
  }
  if (secret_fd >= 0) argv.insert(argv.end(), {kSecretFdOption, std::to_string(secret_fd)});
  return argv;
}

ArgsOutcome parse_fetch_args(const std::vector<std::string>& argv, FetchArgs* out) {
  FetchArgs o;
  bool have_size = false;
  ArgsOutcome outcome = parse_command_line(fetch_spec(&o, &have_size), argv);
  if (outcome.go_on()) *out = std::move(o);
  return outcome;
}

std::string fetch_usage() {
  FetchArgs unused;
  bool have_size = false;
  return usage_text(fetch_spec(&unused, &have_size));
}

}  // namespace peerlink
