// Fuzz target: the Noise stream decoder (common/noise/stream.h) fed hostile wire bytes in every
// state: a fresh responder (message 1), an initiator waiting for message 2, and an established
// stream receiving genuine transport messages followed by arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/noise/stream.h"

namespace {

using peerlink::NoiseRole;
using peerlink::NoiseStream;

peerlink::X25519KeyPair fixed_key(uint8_t seed) {
  peerlink::X25519Key k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i * 13);
  return peerlink::x25519_from_private(k);
}

// Feeds `data` in steps whose sizes the data itself picks; stops at the first (final) failure.
bool feed(NoiseStream& s, const uint8_t* data, size_t size, std::string* plain) {
  std::string wire_out;
  size_t pos = 0;
  while (pos < size) {
    size_t step = 1 + data[pos] % 251;
    if (step > size - pos) step = size - pos;
    if (!s.on_wire(reinterpret_cast<const char*>(data) + pos, step, &wire_out, plain).ok()) {
      return false;
    }
    pos += step;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const peerlink::X25519KeyPair a = fixed_key(1), b = fixed_key(2);
  const uint8_t mode = data[0] % 3;
  ++data;
  --size;
  std::string plain;
  if (mode == 0) {
    NoiseStream responder(NoiseRole::kResponder, peerlink::kPrologueBroker, b);
    feed(responder, data, size, &plain);
  } else if (mode == 1) {
    NoiseStream initiator(NoiseRole::kInitiator, peerlink::kPrologueBroker, a);
    std::string m1;
    if (!initiator.start(&m1).ok()) std::abort();
    feed(initiator, data, size, &plain);
  } else {
    NoiseStream initiator(NoiseRole::kInitiator, peerlink::kPrologueServe, a);
    NoiseStream responder(NoiseRole::kResponder, peerlink::kPrologueServe, b);
    std::string m1, m2, m3, none;
    if (!initiator.start(&m1).ok() || !responder.on_wire(m1.data(), m1.size(), &m2, &none).ok() ||
        !initiator.on_wire(m2.data(), m2.size(), &m3, &none).ok() ||
        !responder.on_wire(m3.data(), m3.size(), &none, &none).ok() || !responder.established()) {
      std::abort();
    }
    // The first half goes out genuine, the rest as it is: what arrives must be the genuine
    // plaintext, whole, and nothing from the forged part.
    const size_t half = size / 2;
    std::string wire;
    if (!initiator.seal(reinterpret_cast<const char*>(data), half, &wire).ok()) std::abort();
    wire.append(reinterpret_cast<const char*>(data) + half, size - half);
    feed(responder, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &plain);
    if (plain.size() < half &&
        plain != std::string(reinterpret_cast<const char*>(data), plain.size())) {
      std::abort();
    }
    if (plain.size() > half &&
        plain.substr(0, half) != std::string(reinterpret_cast<const char*>(data), half)) {
      std::abort();
    }
  }
  if (plain.size() > size + NoiseStream::kMaxPlaintextBytes) std::abort();
  return 0;
}
