// Test harness: a hand-driven Noise client for integration tests that talk to the real programs
// below their own client (a hostile downloader, a scripted session peer, a raw broker client).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/channel.h"

namespace peerlink::testing {

struct NoisePeer {
  UniqueFd fd;
  X25519KeyPair key;  // this side's static key
  std::unique_ptr<NoiseChannel> channel;
};

// Connects to 127.0.0.1:`port` and runs the initiator's side of the XX handshake with
// `prologue`, as `key` (a fresh one by default). `check` sees the responder's static key.
Expected<NoisePeer> noise_connect(uint16_t port, std::string_view prologue,
                                  const X25519KeyPair& key = x25519_generate(),
                                  NoiseChannel::KeyCheck check = {}, int timeout_ms = 10000);

// Lower-case hex of a key, as the wire protocols write it.
std::string key_hex(const X25519Key& key);

}  // namespace peerlink::testing
