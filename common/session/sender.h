// The one thread that writes a session's socket: queued control frames first, then file data.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/noise/channel.h"
#include "common/session/chunk_reader.h"
#include "common/session/source.h"
#include "common/term/progress.h"
#include "common/term/terminal.h"

namespace peerlink {

// Every byte a session sends goes through here, written by one thread, so frames never mix on the
// wire. Control frames (CHAT, OFFER, ACCEPT, ...) are queued by any thread and never block the
// caller, which is what keeps a session free of deadlock: the receive thread must never wait on
// a socket write, or two peers streaming files at each other could both stop reading. Between
// control frames the thread streams the accepted outgoing files, one 64 KiB DATA frame at a time,
// taking turns between transfers; so a chat line waits for at most one chunk, and a file is never
// read into memory whole. Each accepted file is read ahead by a ChunkReader (its own thread: large
// preads into a small ring, hashing what it reads when the offer had no digest), so this thread
// only seals and sends; it takes a chunk only when one is ready, never waiting on the disk while a
// control frame could go out. The DONE behind the last DATA carries the digest: the reader's of
// the bytes it read, or the shared folder's cached one that the OFFER carried.
//
// Also owns the outgoing transfers: offer() registers a file and queues its OFFER; the peer's
// ACCEPT / DECLINE / CANCEL are fed in through on_accept() / on_decline() / on_cancel(). It prints
// the sender's lines (declined, progress, sent, transfer failed) on `console`.
//
// Writes through the session's NoiseChannel, whose one sender it is: each write (a batch of control
// frames, or one DATA chunk with the DONE behind it) is sealed and sent on its own, so with the
// socket's unsent bytes capped a chat line still waits for at most one chunk.
//
// Does not own the channel or its socket. Thread-safe.
class SessionSender {
 public:
  // Offer ids start at `first_id` and go up by 2: the two sides of a session use different
  // parities, so an id names one transfer in either direction (docs/SESSION.md). `channel` may be
  // null for a sender that is never started (tests, fuzzing: replies only queue up).
  SessionSender(NoiseChannel* channel, Console* console, std::string peer, uint32_t first_id);
  ~SessionSender();  // stop()
  SessionSender(const SessionSender&) = delete;
  SessionSender& operator=(const SessionSender&) = delete;

  // Starts the writer thread. `on_write_error` is called from it, once, if a write fails.
  void start(std::function<void(const std::string&)> on_write_error);

  // Queues a control frame. False if nothing more can be sent: the final frame is queued, the
  // sender stopped or failed, or the peer has left kMaxQueuedBytes unread.
  bool queue(uint8_t type, std::string payload);
  // Queues the session's last frame (BYE or ERROR). It is written after the frames already
  // queued; no DATA goes out from now on; after it the write side of the socket is shut down.
  void queue_final(uint8_t type, std::string payload);
  // Stops the writer now; whatever is still queued is dropped. A write stuck on a peer that
  // stopped reading is broken by shutting the socket down. Joins the thread.
  void stop();

  // Registers `source`, queues its OFFER and returns its id; 0 if the session is closing.
  uint32_t offer(std::unique_ptr<SourceFile> source);
  // Outgoing transfers offered and not finished yet (waiting for an answer, or streaming).
  size_t open_offers() const;

  // How a peer's answer matched our offers: kDone (acted on), kStale (an id we used but have
  // finished with: the answer crossed our CANCEL and is ignored), kUnknown (never ours: a
  // protocol error). A CANCEL for a file we have finished sending is still reported (kDone): the
  // receiver could not keep it (disk full, checksum mismatch), and "sent" alone would mislead.
  enum class Match { kDone, kStale, kUnknown };
  Match on_accept(uint32_t id);  // streaming starts
  Match on_decline(uint32_t id);
  Match on_cancel(uint32_t id, const std::string& reason);

  // Session end (after stop()): reports every unfinished outgoing transfer as failed.
  void fail_all(const std::string& reason);

  // Bound on queued control bytes (a peer that reads nothing cannot make us hold more).
  static constexpr size_t kMaxQueuedBytes = 8u << 20;

 private:
  struct Outgoing {
    uint32_t id = 0;
    std::unique_ptr<SourceFile> source;
    std::string shown;  // printable name
    bool accepted = false;
    uint64_t sent = 0;
    std::unique_ptr<TransferProgress> progress;
    std::unique_ptr<ChunkReader> reader;  // from ACCEPT on
  };

  void run();
  // Sends the next ready chunk of a transfer (with DONE if it is the last); false if the
  // connection failed. Called and returns with `lock` held.
  bool stream_one_chunk(std::unique_lock<std::mutex>* lock);
  std::shared_ptr<Outgoing> next_to_stream_locked();
  bool ours_locked(uint32_t id) const;
  // Reports `t` as failed and forgets it; a non-empty `peer_reason` is sent in a CANCEL.
  void fail_locked(const std::shared_ptr<Outgoing>& t, const std::string& reason,
                   const std::string& peer_reason);
  bool write(const void* data, size_t len);
  // Moves `t`'s reader to retired_, with `t` itself (the reader reads its SourceFile until it is
  // joined): only the writer thread (or stop()/fail_all() once it is joined) destroys readers,
  // outside mu_, since a reader's thread takes mu_ to wake us.
  void retire_reader_locked(const std::shared_ptr<Outgoing>& t);
  // Destroys the retired readers; `lock` is released meanwhile.
  void destroy_retired(std::unique_lock<std::mutex>* lock);
  void wake_writer();

  NoiseChannel* const channel_;
  Console* const console_;
  const std::string peer_;
  const uint32_t first_id_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> control_;  // encoded frames
  size_t control_bytes_ = 0;
  std::optional<std::string> final_;  // encoded BYE/ERROR, once queued
  bool closing_ = false;              // final queued, stopped or failed: accept nothing more
  bool stopping_ = false;
  uint32_t next_id_;
  uint32_t last_streamed_ = 0;  // round-robin position among transfers being streamed
  std::map<uint32_t, std::shared_ptr<Outgoing>> outgoing_;
  std::map<uint32_t, std::string> finished_;  // recently sent: id -> shown name
  struct Retired {
    std::shared_ptr<Outgoing> owner;      // destroyed second
    std::unique_ptr<ChunkReader> reader;  // destroyed first: joins the thread reading owner's file
  };
  std::vector<Retired> retired_;  // of finished or failed transfers
  static constexpr size_t kMaxFinishedRemembered = 256;
  std::function<void(const std::string&)> on_write_error_;
  std::thread thread_;
};

}  // namespace peerlink
