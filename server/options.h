// Command-line options of the broker `_s`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base/args.h"
#include "common/wire/wire.h"

namespace peerlink::broker {

struct BrokerOptions {
  uint16_t port = wire::kDefaultBrokerPort;
  std::string bind;  // empty: all interfaces
  std::string log_path = "server.log";
  // What outlives a run (issue 9): the broker's static key pair and the name-to-key bindings.
  // parse_broker_options() sets both paths (and log_path, unless --log) inside state_dir; left
  // empty, as tests and fuzzers may, the key is ephemeral (made once per process, never saved)
  // and the bindings are not kept.
  std::string state_dir = ".";
  std::string key_path;              // --key FILE, default STATE_DIR/broker.key
  std::string names_path;            // --names FILE, default STATE_DIR/names
  std::vector<std::string> release;  // --release NAME: bindings freed (and saved) at start-up
  int name_expiry_days = 30;         // a binding not seen this long goes to the next claimant
  bool plaintext = false;            // --plaintext: also accept unencrypted connections
  bool quiet = false;                // do not echo the log to stdout
  int request_timeout_s = 30;        // pending chat request
  // pending file offer
  int offer_timeout_s = static_cast<int>(wire::kOfferTimeout.count());
  int register_timeout_s = 10;  // time to say HELLO + REGISTER
  int ticket_lifetime_s = 300;
  size_t max_output_bytes = 4u << 20;  // per client; past it the client is dropped
  // Directory events (JOIN, LEAVE, SHARES) are not queued to a client with this much output
  // pending; it gets one "EVENT RESYNC" instead.
  size_t max_event_backlog = 16u << 10;
  // All clients' pending output (and listings in progress) together; past it the clients with
  // the most pending output are dropped until it is back under 3/4 of this.
  size_t max_total_output = 128u << 20;
  // SO_SNDBUF of each client socket (0: the kernel's autotuning, which lets each socket that is
  // not read hold up to net.ipv4.tcp_wmem's maximum, 4 MiB by default, of kernel memory).
  size_t socket_sndbuf = 128u << 10;
  size_t max_files_per_user = wire::kMaxFilesPerUser;
  // Files held broker-wide: every user's shared set plus the announcements being read (reserved
  // at `ANNOUNCE n`). Bounds the registry's memory (~0.2 KiB a file with its indexes).
  size_t max_total_files = 500000;
  size_t max_reply_lines = wire::kMaxReplyLines;
  size_t whohas_owners = wire::kMaxWhoHasOwners;  // OWNER lines per WHOHAS reply at most
  // Work units (about one per byte of file name) all SEARCH/FILES listings together may scan in
  // one loop turn; a longer listing resumes on the next turn.
  size_t scan_budget_per_turn = 256u << 10;
  // Work units one connection's requests may cause in one loop turn (one per message queued or
  // recipient visited, one per 64 bytes queued, 16 per ticket signed); its further lines wait
  // for the next turn. Bounds e.g. a burst of ANNOUNCE 0 that each fan out to every user.
  size_t work_per_turn = 16384;
  size_t max_offers_per_user = 64;  // pending offers one user may have made (ERR 429 past it)
  size_t max_offers = 10000;        // pending offers in total (ERR 429 past it)
  size_t max_chats = 10000;         // pending chat requests in total (one per sender anyway)
  // Users away in a chat session (server/busy.h): how long one stays "in a chat with X" at most,
  // how long the other has once its partner is back, and how many such records are kept.
  int busy_expiry_s = 4 * 3600;
  int busy_grace_s = 20;
  size_t max_busy = 10000;
  // Noise handshakes one address may start per second (a token bucket holding two seconds'
  // worth): each costs the loop three X25519 operations and the sender nothing. 0: no limit.
  size_t handshakes_per_ip_per_s = 50;
};

// Parses argv into *out (common/base/args.h): run, or exit after printing the outcome's text.
ArgsOutcome parse_broker_options(int argc, const char* const* argv, BrokerOptions* out);

}  // namespace peerlink::broker
