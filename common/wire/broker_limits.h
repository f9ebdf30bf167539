// The numbers of the broker protocol that the broker and the lobby must agree on (docs/PROTOCOL.md,
// section 1, "Limits and robustness"): its version, the line bounds, and the limits the broker
// enforces that the lobby keeps to (or explains) on its side. Each says who enforces it and what
// happens over it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace peerlink::wire {

// HELLO <major>.<minor>. The broker refuses another major version (ERR 426, then closes); the
// lobby reports that as fatal rather than retrying.
inline constexpr int kProtocolMajor = 1;
inline constexpr int kProtocolMinor = 0;

// The port `_s` listens on and `_c` connects to unless told otherwise.
inline constexpr uint16_t kDefaultBrokerPort = 12000;

// A line, counting its '\n'. The broker answers a longer one with ERR 413 and closes; it never
// sends one longer itself.
inline constexpr size_t kMaxLineBytes = 4096;
// Fields per request line; the broker answers ERR 413 past it.
inline constexpr size_t kMaxFieldsPerLine = 64;

// A user name: 1..32 bytes (valid_user_name(), common/fs/names.h, holds the whole rule and is
// what both the broker, at REGISTER, and the lobby, before sending a name, check).
inline constexpr size_t kMaxUserNameBytes = 32;
// A shared file name, decoded: at most NAME_MAX (safe_file_name(), common/fs/names.h). The
// broker fails an ANNOUNCE holding a longer one (ERR 400 bad file name).
inline constexpr size_t kMaxFileNameBytes = 255;

// The ticket key a client registers, in bytes (sent and held as 64 hex digits): the lobby makes
// one, the broker refuses any other length (ERR 400 bad ticket key), and the file server
// (`_peer_server --serve`) refuses to start with one that is not 64 hex digits.
inline constexpr size_t kTicketKeyBytes = 32;

// The one-time session token of OK ACCEPT / EVENT CHAT_ACCEPTED: the broker makes
// kSessionTokenBytes random bytes, sent as hex. The lobby passes on only a token of at most
// kMaxSessionTokenChars hex digits, and the peer programs refuse a longer one (common/session/
// hello.h), so the broker may lengthen its tokens up to that without breaking either.
inline constexpr size_t kSessionTokenBytes = 32;
inline constexpr size_t kMaxSessionTokenChars = 256;

// Files in one user's shared set: the broker's default `--max-files`. The broker fails a larger
// ANNOUNCE (ERR 413 too many files, the FILE lines still consumed); the lobby announces at most
// this many of its folder's files and says so.
inline constexpr size_t kMaxFilesPerUser = 10000;

// Body lines of one FILES, SEARCH or WHOHAS reply. The broker cuts a larger match set (the
// count says how many lines follow); the lobby says the list may be cut when it gets this many.
inline constexpr size_t kMaxReplyLines = 5000;

// Owners in one WHOHAS reply: the broker returns a sample of at most this many (rotating over
// the owners from one request to the next, so load spreads over all of them) and signs tickets
// for those only; the downloader uses at most 8 at once. A named owner (`WHOHAS <key> <user>`)
// comes first when it shares the file.
inline constexpr size_t kMaxWhoHasOwners = 16;

// Users named in one OFFER. The broker answers more with ERR 413 too many users; the lobby
// reads at most this many user names after `send PATH`.
inline constexpr size_t kMaxOfferTargets = 32;

// How long a file offer waits for answers: the broker's default `--offer-timeout`. After it the
// broker tells the sender (OFFER_ANSWER ... timeout) and the receivers (OFFER_CANCELLED ...
// timeout); the lobby forgets the question after the same time in case that event is lost.
inline constexpr std::chrono::seconds kOfferTimeout{60};

}  // namespace peerlink::wire
