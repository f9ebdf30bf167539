// The command line of `_peer_client --fetch`, a background download from shared folders that the
// lobby starts (client/downloads/downloads.cpp): the struct the lobby fills, the argv it becomes
// (to_argv()) and the parser the downloader reads it back with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base/args.h"

namespace peerlink {

struct FetchArgs {
  std::string name;       // --name: the file's name; sanitized before use as the local name
  uint64_t size = 0;      // --size: expected size in bytes
  std::string sha256;     // --sha256: expected hash, 64 hex digits (stored lower-case)
  std::string downloads;  // --downloads DIR: where NAME.part and the result go
  std::string user;       // --user: the requester, as the tickets name it
  int progress_fd = -1;   // --progress-fd FD: machine-readable progress lines (-1: none)
  size_t parallel = 8;    // --parallel N: sources used at once (the rest stand by)
  int secret_fd = -1;     // --secret-fd FD: inherited descriptor: the IDENTITY line, OWNER lines

  bool operator==(const FetchArgs&) const = default;

  // {"_peer_client", "--fetch", "--name", NAME, "--size", ...}: --name, --size, --sha256,
  // --downloads and --user always, the others when set and not at their defaults, so that
  // parse_fetch_args() gives back an equal FetchArgs. --secret-fd only when secret_fd is set
  // (ChildSpec adds it itself, client/launch/child_process.h).
  std::vector<std::string> to_argv() const;
};

// Parses argv (argv[0] is skipped, argv[1] is "--fetch"). A usage error on an unknown option, a
// missing or bad value (--progress-fd must be an open descriptor), or when --name, --size,
// --sha256, --downloads or a valid --user is missing.
ArgsOutcome parse_fetch_args(const std::vector<std::string>& argv, FetchArgs* out);

std::string fetch_usage();

}  // namespace peerlink
