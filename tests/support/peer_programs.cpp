// The peer programs started with the lobby's own argv builders.
#include "tests/support/peer_programs.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/base/bytes.h"
#include "common/base/hex.h"
#include "common/crypto/sha256.h"
#include "common/handoff/identity_secret.h"
#include "common/handoff/session_secret.h"

namespace peerlink::testing {

std::vector<std::string> in_build(std::vector<std::string> argv,
                                  const std::vector<std::string>& extra) {
  if (!argv.empty()) argv[0] = bin_path(argv[0]);
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

X25519KeyPair test_identity(const std::string& user) {
  const Sha256::Digest d = sha256("peerlink test identity " + user);
  X25519Key private_key{};
  std::memcpy(private_key.data(), d.data(), private_key.size());
  return x25519_from_private(private_key);
}

std::string test_key_hex(const std::string& user) {
  const X25519KeyPair k = test_identity(user);
  return to_hex(k.public_key.data(), k.public_key.size());
}

std::string session_secret(const std::string& token, const std::string& user) {
  SessionSecret secret;
  secret.token = token;
  secret.identity = test_identity(user).private_key;
  return encode_session_secret(secret);
}

PeerArgs session_args(const std::string& user, const std::string& peer, const std::string& share,
                      const std::string& downloads) {
  PeerArgs a;
  a.session = true;
  a.user = user;
  a.peer = peer;
  a.peer_key = test_key_hex(peer);
  a.server = "127.0.0.1";
  a.server_port = 9;
  a.share = share;
  a.downloads = downloads;
  a.no_lobby = true;
  return a;
}

ServeArgs serve_args(const std::string& share, const std::string& owner, const std::string& log) {
  ServeArgs a;
  a.use_port = true;
  a.port = 0;
  a.bind = "127.0.0.1";
  a.share = share;
  a.user = owner;
  a.log = log;
  return a;
}

std::string ServeProcess::key_hex() const {
  return to_hex(identity.public_key.data(), identity.public_key.size());
}

ServeProcess start_serve(const ServeArgs& args, const std::string& key,
                         const std::vector<std::string>& extra, Process::Options options,
                         const X25519KeyPair* identity) {
  ServeProcess s;
  s.identity = identity != nullptr ? *identity : x25519_generate();
  options.secret = join_identity_secret(s.identity, key);
  s.proc = Process::start(in_build(args.to_argv(), extra), options);
  if (!s.proc) return s;
  const auto line = s.proc->wait_line("serving ");
  if (!line) return s;
  const size_t at = line->rfind("on port ");
  if (at != std::string::npos) s.port = static_cast<uint16_t>(std::atoi(line->c_str() + at + 8));
  return s;
}

std::string fetch_secret(const X25519KeyPair& identity, const std::string& sources) {
  return join_identity_secret(identity, sources);
}

Result send_frame(NoiseChannel* channel, uint8_t type, std::string_view payload) {
  return channel->send(encode_frame(type, payload));
}

Result receive_frame(NoiseChannel* channel, Frame* frame, uint32_t max_payload) {
  unsigned char h[wire::kFrameHeaderBytes];
  if (Result r = channel->recv_exact(h, sizeof h); !r) return r;
  const uint32_t length = get_u32(h + 1);
  if (length > max_payload) return Result::failure("oversize frame", EPROTO);
  frame->type = h[0];
  frame->payload.assign(length, '\0');
  return channel->recv_exact(frame->payload.data(), length);
}

}  // namespace peerlink::testing
