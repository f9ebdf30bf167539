// The requesting side's way into a session: connect with backoff, HELLO, then wait for WELCOME.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/frame.h"
#include "common/net.h"

namespace peerlink {

// The pause after a failed connect: 50 ms first (`previous` 0), then doubling up to 1 s.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous);

// Connects to host:port, retrying failed attempts with next_backoff() pauses until `total` has
// passed (the peer's _peer_server may still be starting). Returns the last error on failure.
SocketResult connect_with_backoff(const std::string& host, uint16_t port,
                                  std::chrono::milliseconds total);

// Sends HELLO (`token "\n" own_name`) and waits up to `timeout` for WELCOME. On success
// *peer_name is WELCOME's payload (untrusted) and *decoder keeps whatever arrived after it. On
// failure *error says why: "refused: bad token" (the peer's ERROR text), "no answer in time",
// "connection closed", ...
bool client_handshake(int fd, const std::string& token, const std::string& own_name,
                      std::chrono::milliseconds timeout, FrameDecoder* decoder,
                      std::string* peer_name, std::string* error);

}  // namespace peerlink
