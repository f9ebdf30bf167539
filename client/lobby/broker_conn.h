// The lobby's connection to the broker: connect, the Noise handshake (or plaintext in teaching
// mode) + HELLO, requests with bounded waits for their replies, and the events that arrive in
// between (docs/PROTOCOL.md, section 1).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/lobby/messages.h"
#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/channel.h"
#include "common/wire/broker_limits.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {

// Owns the broker socket (closed by close() or when destroyed). Requests are synchronous: the
// lobby sends one and waits, bounded, for its reply; events that arrive meanwhile are queued
// and handed out by take_messages(), so an event never runs in the middle of another action.
class BrokerConn {
 public:
  // How the connection is secured; set once, before the first open(), and kept for every
  // reconnection.
  struct Security {
    bool plaintext = false;  // teaching mode (`_c --plaintext`): no Noise at all
    // Sees the broker's static key during the handshake, before this side reveals its own: the
    // pin check. Its failure ends the handshake and is fatal (retrying cannot change the key).
    NoiseChannel::KeyCheck check_key;
  };
  void set_security(Security security) { security_ = std::move(security); }
  bool encrypted() const { return channel_ != nullptr; }

  struct OpenResult {
    // Its message is a full sentence: "cannot reach h:p: connection refused — is _s running?"
    Result result;
    // A retry cannot help (the server speaks another protocol version, is not a broker, refused
    // our kind of connection, or its key is not the one pinned).
    bool fatal = false;
  };
  // Connects (closing any previous connection), runs the Noise handshake as `identity` (this
  // user's static key pair) unless plaintext, and exchanges HELLO.
  OpenResult open(const std::string& host, uint16_t port, const X25519KeyPair& identity);

  bool is_open() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  void close();

  struct Reply {  // a reply that arrived: OK or ERR
    BrokerMessage head;
    std::vector<BrokerMessage> body;  // the lines of a multi-line reply
  };
  // Sends `line` (with its '\n') and waits up to `timeout_ms` for the reply. With `body_word`,
  // a reply "OK <body_word> <n>" is followed by n lines, which are read into `body`. A failure
  // (closed, timeout, line too long) closes the connection: the caller treats it as lost.
  Expected<Reply> request(const std::string& line, int timeout_ms, std::string_view body_word = {});

  // Reads what has arrived (call when poll() says the socket is readable; one read). A failure
  // says why the connection is lost; it is then closed.
  Result read_available();

  // Events and unsolicited lines (e.g. "ERR 408 ...") received outside of a request.
  std::deque<BrokerMessage> take_messages() { return std::exchange(messages_, {}); }
  bool has_messages() const { return !messages_.empty(); }

  // Says BYE, waits up to `timeout_ms` for "OK BYE", and closes. Events met are dropped.
  void bye(int timeout_ms);

 private:
  // Moves complete lines from the input buffer: events and unsolicited lines to messages_, the
  // rest (a reply or its body) to replies_. Fails on an over-long line.
  Result drain_lines();
  // The next line of replies_, waiting for it until the deadline passes.
  Expected<BrokerMessage> wait_reply_line(long long deadline_ms);
  // Closes the connection and returns `why` as the failure.
  Result fail(Result why);
  // Writes `bytes` (sealed when encrypted).
  Result send_bytes(const std::string& bytes);
  // The Noise handshake on the fresh socket; *key_refused says the failure came from the check.
  Result handshake(const X25519KeyPair& identity, bool* key_refused);

  Security security_;
  UniqueFd fd_;
  std::unique_ptr<NoiseChannel> channel_;  // encrypted: borrows fd_
  LineBuffer in_{kMaxLine};
  std::deque<BrokerMessage> messages_;
  std::deque<BrokerMessage> replies_;
  std::string where_;        // "host:port", for messages
  bool in_request_ = false;  // a request awaits its reply: non-event lines belong to it

  // The broker never sends a line over wire::kMaxLineBytes; a little slack costs nothing.
  static constexpr size_t kMaxLine = 4 * wire::kMaxLineBytes;
};

}  // namespace peerlink::lobby
