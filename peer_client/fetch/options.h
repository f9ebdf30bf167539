// Command line of `_peer_client --fetch` (a background download from shared folders).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace peerlink::peer_client {

struct FetchOptions {
  std::string name;       // --name: the file's name; sanitized before use as the local name
  uint64_t size = 0;      // --size: expected size in bytes
  std::string sha256;     // --sha256: expected hash, 64 hex digits (stored lower-case)
  std::string downloads;  // --downloads DIR: where NAME.part and the result go
  std::string user;       // --user: the requester, as the tickets name it
  int progress_fd = -1;   // --progress-fd FD: machine-readable progress lines (-1: none)
  size_t parallel = 8;    // --parallel N: sources used at once (the rest stand by)
  int secret_fd = -1;     // --secret-fd FD: inherited descriptor holding the OWNER lines
};

// Parses argv (argv[1] is "--fetch"). False with *error on an unknown option or a missing or bad
// value.
bool parse_fetch_options(int argc, char** argv, FetchOptions* out, std::string* error);

const char* fetch_usage();

}  // namespace peerlink::peer_client
