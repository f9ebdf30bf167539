// The requesting side's way into a session: connect with backoff, HELLO, then wait for WELCOME.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/net/net.h"
#include "common/wire/frame.h"

namespace peerlink::peer_client {

// The pause after a failed connect: 50 ms first (`previous` 0), then doubling up to 1 s.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous);

// What connect_with_backoff() and client_handshake() report when `cancel_fd` ended the wait.
inline constexpr char kCancelled[] = "cancelled";

// Connects to host:port, retrying failed attempts with next_backoff() pauses until `total` has
// passed (the peer's _peer_server may still be starting). Returns the last error on failure.
// Stops at once, with Result::cancelled() (message kCancelled, ECANCELED), as soon as `cancel_fd`
// (if not -1; e.g. StopSignals::fd()) is readable, whether in an attempt or in a pause; it is not
// read.
Expected<UniqueFd> connect_with_backoff(const std::string& host, uint16_t port,
                                        std::chrono::milliseconds total, int cancel_fd = -1);

// Sends HELLO (`token "\n" own_name`) and waits up to `timeout` for WELCOME. Returns WELCOME's
// payload, the peer's name (untrusted); *decoder keeps whatever arrived after it. A failure says
// why: "refused: bad token" (the peer's ERROR text), "no answer in time", "connection closed",
// ..., or Result::cancelled() if `cancel_fd` (if not -1) became readable first.
Expected<std::string> client_handshake(int fd, const std::string& token,
                                       const std::string& own_name,
                                       std::chrono::milliseconds timeout, FrameDecoder* decoder,
                                       int cancel_fd = -1);

}  // namespace peerlink::peer_client
