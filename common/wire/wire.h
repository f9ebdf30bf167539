// Wire constants of both protocols, in one place. The formats are specified in docs/PROTOCOL.md.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink::wire {

// ---- Broker protocol (text lines) ----
inline constexpr int kProtocolMajor = 1;
inline constexpr int kProtocolMinor = 0;
inline constexpr size_t kMaxLineBytes = 4096;  // including the '\n'
inline constexpr size_t kMaxFieldsPerLine = 64;
inline constexpr size_t kMaxNameBytes = 32;       // user names
inline constexpr size_t kMaxFileNameBytes = 255;  // shared file names (decoded)
inline constexpr uint16_t kDefaultBrokerPort = 12000;

// ---- Peer protocol (binary frames: type u8 | length u32 BE | payload) ----
inline constexpr size_t kFrameHeaderBytes = 5;
inline constexpr uint32_t kMaxFramePayload = 1u << 20;  // 1 MiB
inline constexpr size_t kChunkBytes = 64 * 1024;        // file bytes per DATA frame

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
