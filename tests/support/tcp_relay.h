// Test harness: a man in the middle on loopback. Accepts connections on a port of its own, relays
// each to 127.0.0.1:target, records every byte each way, and can flip bits on the way: what a
// sniffer sees, and what an active attacker on the LAN can do.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"

namespace peerlink::testing {

class TcpRelay {
 public:
  enum class Direction { kToServer, kToClient };

  // Listens on 127.0.0.1, a port the OS picks; port() is 0 if that failed.
  explicit TcpRelay(uint16_t target);
  ~TcpRelay();  // stops relaying and closes every connection
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  uint16_t port() const { return port_; }

  // From now on, in every connection, XOR byte `offset` of the stream going `d` with `mask`.
  void flip(Direction d, size_t offset, uint8_t mask);

  // Everything relayed so far that way, all connections one after another.
  std::string recorded(Direction d) const;
  size_t connections() const { return connections_.load(); }

 private:
  struct Pair {
    UniqueFd client, server;
    size_t sent[2] = {0, 0};  // bytes relayed each way (index: Direction)
    bool open[2] = {true, true};
  };
  struct Flip {
    Direction d;
    size_t offset;
    uint8_t mask;
  };
  void loop();
  bool pump(Pair* p, Direction d);

  const uint16_t target_;
  UniqueFd listener_;
  uint16_t port_ = 0;
  UniqueFd wake_;  // eventfd: the destructor wakes the loop
  std::atomic<size_t> connections_{0};
  mutable std::mutex mu_;  // guards flips_ and recorded_
  std::vector<Flip> flips_;
  std::string recorded_[2];
  std::vector<Pair> pairs_;  // the loop's thread only
  std::thread thread_;
};

}  // namespace peerlink::testing
