// The requesting side's way into a session: connect with backoff, the Noise handshake with the
// vouched key checked, then HELLO and WELCOME inside the transport.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/crypto/x25519.h"
#include "common/net/net.h"
#include "common/noise/channel.h"
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

// Runs the Noise XX handshake on `fd` as the initiator (prologue kPrologueSession, static key
// `identity`), within `timeout`. The responder's static key must be `peer_key`, the one the broker
// vouched for: it is checked after message 2, before message 3 reveals ours, and another one
// fails with unvouched_key_message(peer) ("bob's session presented a key the broker did not vouch
// for"). Other failures say what happened ("noise handshake timed out", "noise handshake: the peer
// closed the connection", ...), or Result::cancelled() if `cancel_fd` (if not -1) became readable.
Expected<std::unique_ptr<NoiseChannel>> secure_session(int fd, const X25519KeyPair& identity,
                                                       const X25519Key& peer_key,
                                                       const std::string& peer,
                                                       std::chrono::milliseconds timeout,
                                                       int cancel_fd = -1);

// Sends HELLO (`token "\n" own_name`) through `channel` and waits up to `timeout` for WELCOME.
// Returns WELCOME's payload, the peer's name (untrusted); *decoder keeps whatever arrived after it.
// A failure says why: "refused: bad token" (the peer's ERROR text), "no answer in time",
// "connection closed",
// ..., or Result::cancelled() if `cancel_fd` (if not -1) became readable first.
Expected<std::string> client_handshake(NoiseChannel* channel, const std::string& token,
                                       const std::string& own_name,
                                       std::chrono::milliseconds timeout, FrameDecoder* decoder,
                                       int cancel_fd = -1);

}  // namespace peerlink::peer_client
