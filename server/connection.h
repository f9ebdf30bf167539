// One broker client connection: its socket, its transport (plaintext or Noise, decided by the
// first byte), protocol state and bounded input/output buffers.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/base/buffer.h"
#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/noise/stream.h"
#include "common/wire/line_codec.h"
#include "common/wire/wire.h"

namespace peerlink::broker {

// A file as announced (the registry stores it compactly: server/file_store.h).
struct SharedFile {
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
};

// Owns the client socket (closed when destroyed). Never blocks: flush() writes what the kernel
// takes and keeps the rest, and the broker watches for writability only while output is pending.
//
// On a Noise connection the broker still queues plaintext lines; they are sealed at flush time,
// all that is pending at once (in transport messages of at most 65519 bytes), so a burst of
// lines costs one message, not one each. Output bounds count the plaintext and the ciphertext
// waiting together (pending_output()).
class Connection {
 public:
  // What the first byte said (docs/PROTOCOL.md, "Encryption"): 0x00 starts a Noise handshake
  // (the high byte of message 1's length, 32); anything else is a plaintext client.
  enum class Transport {
    kUndecided,  // nothing received yet; a line queued now goes out as plaintext
    kPlain,      // the line protocol in clear (accepted with --plaintext only)
    kNoise,      // Noise_XX, this side the responder; lines run inside the transport
  };

  // States, one line each (see docs/PROTOCOL.md):
  enum class State {
    kAwaitHello,     // connected; only HELLO (or BYE/PING) accepted
    kAwaitRegister,  // said HELLO; REGISTER expected
    kRegistered,     // in the registry; every request accepted
    kAnnouncing,     // inside ANNOUNCE n: reading the n FILE lines
    kClosing,        // reply queued; close once the output is flushed; input ignored
  };

  Connection(uint64_t id, UniqueFd fd, std::string ip, uint16_t port);

  uint64_t id() const { return id_; }
  int fd() const { return fd_.get(); }
  const std::string& ip() const { return ip_; }
  // "alice" once registered, else "ip:port" — the name used in the log.
  const std::string& label() const { return label_; }

  State state = State::kAwaitHello;
  std::string user;  // set when registered
  std::chrono::steady_clock::time_point connected_at;

  // ANNOUNCE in progress.
  size_t announce_left = 0;
  std::map<std::string, SharedFile> announce_files;  // by name: a repeated name, the last wins
  std::string announce_error;    // first error met, reported after the last line
  size_t announce_reserved = 0;  // files reserved in the broker-wide count for this announcement

  void set_label(std::string label) { label_ = std::move(label); }
  LineBuffer& input() { return in_; }

  Transport transport() const { return transport_; }
  void use_plaintext() { transport_ = Transport::kPlain; }
  // Starts the responder's side of the handshake with the broker's static key (copied).
  void use_noise(const X25519KeyPair& key);
  // Noise: takes bytes received from the socket. Handshake answers are queued raw to the output
  // (*wire_queued says how many bytes, for the broker's output count); decrypted plaintext goes
  // to input(). A failure (bad handshake, a message that does not authenticate) is final: the
  // caller closes the connection at once.
  Result take_noise(const char* data, size_t len, size_t* wire_queued);
  // The Noise handshake is done: lines can be read and written.
  bool established() const { return transport_ != Transport::kNoise || noise_->established(); }
  // The client's static public key as 64 lower-case hex digits (Noise, after the handshake), or
  // "" on a plaintext connection.
  std::string noise_key_hex() const;
  // The same as a key (Noise, after the handshake only).
  const X25519Key& noise_key() const { return noise_->remote_static(); }

  // Appends a line (plaintext) to the output. Returns false if that pushes pending_output() past
  // `limit` (the caller drops the connection: it has stopped reading).
  bool queue(const std::string& data, size_t limit);
  // Seals what is pending (Noise) and writes what the kernel takes. Returns false on a fatal
  // error (the caller closes).
  bool flush();
  // Output that flush() can still write: on a Noise connection whose handshake has not ended,
  // queued lines cannot go and do not count here (closing then drops them).
  bool has_output() const { return !out_.empty() || (established() && !plain_out_.empty()); }
  // Plaintext waiting to be sealed plus wire bytes waiting to be written.
  size_t pending_output() const { return out_.size() + plain_out_.size(); }
  // Plaintext bytes ever queued / ever written (a Noise message counts once all its wire bytes
  // are written): positions in the output stream of lines.
  uint64_t queued_total() const { return queued_total_; }
  uint64_t sent_total() const { return sent_total_; }
  // Directory events are being dropped for this client (it fell behind): an "EVENT RESYNC" line
  // is queued, ending at stream position resync_end; once that is written, events flow again.
  bool resync = false;
  uint64_t resync_end = 0;
  bool watching_write = false;  // whether EPOLLOUT is registered
  bool dead = false;            // scheduled for removal at the end of this loop turn
  bool dirty = false;           // queued output since the last flush pass
  // A request of this connection is being worked on over several loop turns (a long listing):
  // its later lines wait in the input buffer, unread, so replies stay in request order.
  bool busy = false;
  // Its requests used up this turn's work budget: the rest of its input waits (unread) for the
  // next turn.
  bool deferred = false;

 private:
  uint64_t id_;
  UniqueFd fd_;
  std::string ip_;
  std::string label_;
  LineBuffer in_{wire::kMaxLineBytes};
  Transport transport_ = Transport::kUndecided;
  std::unique_ptr<NoiseStream> noise_;
  Buffer plain_out_;  // Noise: lines queued, not sealed yet
  Buffer out_;        // wire bytes (plaintext lines, or handshake and transport messages)
  uint64_t queued_total_ = 0;
  uint64_t sent_total_ = 0;
  uint64_t wire_queued_ = 0;  // wire bytes ever put into out_ / ever written
  uint64_t wire_sent_ = 0;
  // Noise: each sealed message not fully written yet, as (its end in the wire stream, its end in
  // the plaintext stream), so sent_total() moves when a message has gone.
  std::deque<std::pair<uint64_t, uint64_t>> sealed_;
  uint64_t sealed_plain_ = 0;  // plaintext bytes ever sealed
  std::string scratch_;        // sealing and decrypting
};

}  // namespace peerlink::broker
