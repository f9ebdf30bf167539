// The lobby's check of the broker's static key, run inside the Noise handshake before the lobby
// reveals its own key: `--broker-key FP` pins the given fingerprint; otherwise trust on first use
// per host:port (client/keys/known_brokers.h). A changed key is refused with a warning that says
// what happened and how to fix it; BrokerConn treats that refusal as fatal (no retry loop).
#pragma once

#include <functional>
#include <string>

#include "common/noise/channel.h"

namespace peerlink::lobby {

struct BrokerPin {
  std::string known_brokers;  // the known_brokers file
  std::string host_port;      // the broker's address as the lobby was told it ("h:p")
  std::string fingerprint;    // --broker-key, 64 lower-case hex digits; empty: trust on first use
  // Says a line to the user (that a key was pinned: at most once per lobby).
  std::function<void(const std::string&)> say;
};

// The KeyCheck for BrokerConn::Security.
NoiseChannel::KeyCheck broker_pin_check(BrokerPin pin);

}  // namespace peerlink::lobby
