// One broker client connection: its socket, protocol state and bounded input/output buffers.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/base/buffer.h"
#include "common/base/fd.h"
#include "common/wire/line_codec.h"
#include "common/wire/wire.h"

namespace peerlink::broker {

struct SharedFile {
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  std::string folded;  // `name` in ASCII lower case, for SEARCH (filled in by the Registry)
};

// Owns the client socket (closed when destroyed). Never blocks: flush() writes what the kernel
// takes and keeps the rest, and the broker watches for writability only while output is pending.
class Connection {
 public:
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

  // Appends to the output buffer. Returns false if that pushes it past `limit` (the caller
  // drops the connection: it has stopped reading).
  bool queue(const std::string& data, size_t limit);
  // Writes pending output. Returns false on a fatal error (the caller closes).
  bool flush();
  bool has_output() const { return !out_.empty(); }
  size_t pending_output() const { return out_.size(); }
  // Bytes ever queued / ever written: positions in the output stream.
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
  Buffer out_;
  uint64_t queued_total_ = 0;
  uint64_t sent_total_ = 0;
};

}  // namespace peerlink::broker
