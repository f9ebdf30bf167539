// Starting the peer programs the way the lobby does: their argv from the same builders the lobby
// uses (common/handoff: PeerArgs, ServeArgs, FetchArgs), the secret through --secret-fd.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/handoff/fetch_args.h"
#include "common/handoff/peer_args.h"
#include "common/handoff/serve_args.h"
#include "common/noise/channel.h"
#include "common/wire/frame.h"
#include "tests/support/process.h"

namespace peerlink::testing {

// `argv` with argv[0] (a program's name, as the builders write it) replaced by that program's
// path in this build, and `extra` appended.
std::vector<std::string> in_build(std::vector<std::string> argv,
                                  const std::vector<std::string>& extra = {});

// A fixed identity key pair per test user name (the private key is SHA-256 of a label and the
// name), so that both sides of a test pair know each other's public key as a broker would vouch.
X25519KeyPair test_identity(const std::string& user);
// Its public key as 64 hex digits, as --peer-key takes it.
std::string test_key_hex(const std::string& user);

// The session arguments both sides of a test pair share: `user` meets `peer`, whose vouched key
// is test_identity(peer); the broker to go back to is 127.0.0.1:9 (nobody: tests pass
// --no-lobby, set here).
PeerArgs session_args(const std::string& user, const std::string& peer, const std::string& share,
                      const std::string& downloads);

// What the lobby hands a session program of `user` through --secret-fd: `token` and
// test_identity(user)'s private key (common/handoff/session_secret.h). For
// Process::Options::secret.
std::string session_secret(const std::string& token, const std::string& user);

// `_peer_server --serve` on 127.0.0.1, on a port the OS picks, serving `share` for `owner`,
// logging to `log`.
ServeArgs serve_args(const std::string& share, const std::string& owner, const std::string& log);

struct ServeProcess {
  std::unique_ptr<Process> proc;
  uint16_t port = 0;            // 0 if it did not say "serving ... on port N"
  X25519KeyPair identity;       // the owner's static key the server proves
  std::string key_hex() const;  // its public key as OWNER lines carry it
};

// Starts `args` (plus `extra` options) with `key` as its ticket key and `identity` (a fresh key
// pair if null) as the owner's, both in its secret descriptor, and waits for its "serving" line to
// learn the port.
ServeProcess start_serve(const ServeArgs& args, const std::string& key,
                         const std::vector<std::string>& extra = {}, Process::Options options = {},
                         const X25519KeyPair* identity = nullptr);

// What `_peer_client --fetch` reads from its secret descriptor: `identity`'s line, then the OWNER
// lines `sources`.
std::string fetch_secret(const X25519KeyPair& identity, const std::string& sources);

// Peer frames over a Noise channel, as a downloader and a file server exchange them.
Result send_frame(NoiseChannel* channel, uint8_t type, std::string_view payload);
// One whole frame (payload at most `max_payload`): kError/EPROTO for a longer one.
Result receive_frame(NoiseChannel* channel, Frame* frame,
                     uint32_t max_payload = wire::kMaxFramePayload);

}  // namespace peerlink::testing
