// The peer protocol's frame bounds and types (docs/PROTOCOL.md, sections 2 and 3): what
// `_peer_server` and `_peer_client` exchange in a session and in serve/fetch mode.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink::wire {

// A frame is type u8 | length u32 BE | payload. A receiver treats a longer payload as a protocol
// error (ERROR frame too large, then closes).
inline constexpr size_t kFrameHeaderBytes = 5;
inline constexpr uint32_t kMaxFramePayload = 1u << 20;  // 1 MiB
// File bytes per DATA frame a sender writes; a session receiver refuses more (bad DATA payload).
inline constexpr size_t kChunkBytes = 64 * 1024;

enum FrameType : uint8_t {
  kHello = 1,    // session: token (hex) '\n' user name
  kWelcome = 2,  // session: user name of the accepting side
  kChat = 3,     // UTF-8 text line
  kOffer = 4,    // id u32 | size u64 | sha256 (32 bytes) | file name
  kAccept = 5,   // id u32
  kDecline = 6,  // id u32
  kData = 7,     // id u32 | bytes
  kDone = 8,     // id u32 (all bytes sent)
  kCancel = 9,   // id u32 | reason text
  kBye = 10,     // reason text
  kError = 11,   // reason text; the sender closes after it
  kGet = 12,     // serve mode: ticket request (see PROTOCOL.md)
  kRange = 13,   // serve mode: reply header
  kLastFrameType = kRange,
};

}  // namespace peerlink::wire
