// Test harness: a hand-driven Noise client.
#include "tests/support/noise_peer.h"

#include "common/base/hex.h"
#include "common/net/net.h"

namespace peerlink::testing {

Expected<NoisePeer> noise_connect(uint16_t port, std::string_view prologue,
                                  const X25519KeyPair& key, NoiseChannel::KeyCheck check,
                                  int timeout_ms) {
  NoisePeer peer;
  peer.key = key;
  Expected<UniqueFd> fd = connect_tcp("127.0.0.1", port, timeout_ms);
  if (!fd) return fd.result();
  peer.fd = std::move(*fd);
  NoiseChannel::Setup setup;
  setup.role = NoiseRole::kInitiator;
  setup.prologue = prologue;
  setup.local_static = &peer.key;
  setup.check = std::move(check);
  setup.timeout_ms = timeout_ms;
  Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(peer.fd.get(), setup);
  if (!channel) return channel.result();
  peer.channel = std::move(*channel);
  return peer;
}

std::string key_hex(const X25519Key& key) { return to_hex(key.data(), key.size()); }

}  // namespace peerlink::testing
