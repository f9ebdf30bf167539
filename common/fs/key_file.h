// A static key pair kept in a file: the broker's (broker.key) and each user's
// (identity-NAME.key). Only the private key is stored; the public key is derived from it.
//
// The format is text, so that a person can tell what the file is:
//
//   peerlink x25519 private key\n
//   <the 32-byte X25519 private key as 64 hex digits>\n
//
// (the digits are written in lower case; either case is read back, and the last '\n' may be
// missing). The file is mode 0600 in a folder created 0700; a key file that group or others may
// read, write or execute is refused, as ssh refuses a readable private key.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/crypto/x25519.h"

namespace peerlink {

// The first line of every key file, with its '\n'.
inline constexpr char kKeyFileHeader[] = "peerlink x25519 private key\n";

// Loads the key file at `path`. Failures, each naming the path:
//  - it cannot be opened: "cannot read key file PATH: No such file or directory" (error() is the
//    errno, ENOENT when it does not exist);
//  - it is not a regular file: "PATH: not a regular file";
//  - group or others have any access: "PATH: mode 0644 lets other users at the private key; fix
//    it with: chmod 600 PATH";
//  - its contents are not the format above (at most a few bytes are read): "PATH: not a peerlink
//    key file".
Expected<X25519KeyPair> load_key_file(const std::string& path);

// Loads the key file at `path`, or, when there is none, creates it with a fresh key pair and
// sets *created (if not null) to true. Creating writes a temporary file (mode 0600, O_EXCL) in
// the same folder, fsyncs it, and hard-links it to `path`, which never replaces a file: so a crash
// never leaves a half-written key at `path`, and of two processes creating the same key file at
// once, one wins and the other loads the winner's key. The folder (and missing parents) is
// created mode 0700. Every refusal of load_key_file() applies to an existing file.
Expected<X25519KeyPair> load_or_create_key_file(const std::string& path, bool* created);

}  // namespace peerlink
