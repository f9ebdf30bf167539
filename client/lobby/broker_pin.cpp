// The lobby's check of the broker's static key.
#include "client/lobby/broker_pin.h"

#include <memory>

#include "client/keys/known_brokers.h"
#include "common/crypto/fingerprint.h"

namespace peerlink::lobby {
namespace {

std::string grouped(const X25519Key& key) { return grouped_fingerprint(key_fingerprint(key)); }

}  // namespace

NoiseChannel::KeyCheck broker_pin_check(BrokerPin pin) {
  auto said = std::make_shared<bool>(false);
  return [pin = std::move(pin), said](const X25519Key& key) -> Result {
    KnownBrokers known(pin.known_brokers);
    auto tell = [&](const std::string& line) {
      if (*said || !pin.say) return;
      *said = true;
      pin.say(line);
    };
    if (!pin.fingerprint.empty()) {
      if (Result r = known.pin_fingerprint(pin.host_port, key, pin.fingerprint); !r) {
        return Result::failure("refusing the broker at " + pin.host_port + ": " + r.message() +
                                   " — check the fingerprint the broker prints",
                               EKEYREJECTED);
      }
      tell("the broker's key is the one given with --broker-key: " + grouped(key));
      return {};
    }
    Expected<BrokerKeyCheck> c = known.check(pin.host_port, key);
    if (!c.ok()) return c.result();
    switch (c->verdict) {
      case BrokerKeyCheck::Verdict::kNew:
        tell("pinned the broker's key " + grouped(key) + " (compare it with the fingerprint " +
             "the broker prints)");
        return {};
      case BrokerKeyCheck::Verdict::kMatch:
        return {};
      case BrokerKeyCheck::Verdict::kChanged:
        break;
    }
    return Result::failure(
        "WARNING: the broker at " + pin.host_port +
            " presented a different key than the one pinned for it. Someone may be posing as "
            "the broker, or it was given a new key. Its key has fingerprint " +
            grouped(key) + "; the pinned one is " + grouped_fingerprint(c->pinned_fingerprint) +
            ". Not connecting. If the broker's operator confirms the new fingerprint, remove "
            "the line for " +
            pin.host_port + " from " + pin.known_brokers + ", or start _c with --broker-key " +
            key_fingerprint(key),
        EKEYREJECTED);
  };
}

}  // namespace peerlink::lobby
