// One source of a download: a connection to one owner's file server that pulls blocks from the
// shared queue until the work runs out or the source fails. Every connection is a Noise channel
// (this side the initiator, prologue "peerlink serve 1") to a server whose key must be the one the
// broker vouched for in the OWNER line.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/handoff/fetch_sources.h"
#include "common/noise/channel.h"
#include "peer_client/fetch/hash_feed.h"
#include "peer_client/fetch/queue.h"
#include "peer_client/fetch/target.h"

namespace peerlink::peer_client {

// Counters the download's progress reporting reads while connections run.
struct FetchCounters {
  std::atomic<uint64_t> received{0};  // file bytes that arrived in this run (rate)
  std::atomic<uint64_t> written{0};   // file bytes on disk: done blocks and tail pieces written
  std::atomic<int> active{0};         // connected sources
};

class FetchConnection {
 public:
  // `requester` is copied; nothing else is owned, and all of it must outlive run(). `identity` is
  // the requester's static key pair: the one its tickets are bound to.
  // `feed` (may be null) gets the bytes of whole blocks written, for the hasher; `taker` tells
  // this source apart from the others in the queue.
  FetchConnection(const FetchSource& source, const std::string& requester,
                  const X25519KeyPair& identity, FetchQueue* queue, FetchTarget* target,
                  FetchCounters* counters, HashFeed* feed = nullptr, int taker = 0);

  enum class End {
    kFinished,      // no work left for this source
    kSourceFailed,  // the source is unusable; its blocks went back
    kFatal,         // writing the .part failed: the whole download must stop
  };
  // How a source (or one block of it) ended: `why` is ok for kFinished, the failure otherwise.
  struct Outcome {
    End end = End::kFinished;
    Result why;
  };
  // Connects, runs the handshake (a server whose static key is not source.key fails the source:
  // "<owner>'s file server presented a key the broker did not vouch for", before this side
  // reveals its own key), and pulls units (blocks, or tail pieces, or the endgame's duplicates),
  // keeping up to two GETs in flight so the server never waits for the next request. Each unit is
  // received whole into memory, then claimed (the first holder wins; a later copy is dropped) and
  // written with one pwrite(). While there is nothing to take but other sources still hold units,
  // it waits disconnected (one may come back). On any failure every unit taken goes back to the
  // queue.
  Outcome run();

  uint64_t bytes() const { return bytes_; }  // file bytes this source delivered (and wrote)

 private:
  struct Pending {
    FetchUnit unit;
    uint32_t id;
  };
  struct Header {
    uint8_t type = 0;
    uint32_t length = 0;
  };
  // Connects, registers the socket with the queue (so stop() can cut it, also mid-handshake) and
  // runs the handshake. A server that closes during the handshake (it sheds connections) is
  // Status::kClosed, as one that closes before answering a GET.
  Result connect();
  void disconnect();
  Result send_get(const Pending& p);
  // Receives RANGE, the DATA frames and DONE for `p` into buffer_: kFinished once all of the
  // unit's bytes are in, kSourceFailed when the source fails.
  Outcome receive_unit(const Pending& p);
  // Claims the unit just received and writes it (or drops a duplicate another source won):
  // kFatal when the local disk fails.
  Outcome store_unit(const Pending& p);
  Expected<Header> read_header();
  // After an ERROR frame header: reads its reason; the failure "refused: REASON".
  Result read_error(uint32_t length);

  const FetchSource& source_;
  const std::string requester_;  // a copy: callers pass temporaries
  const X25519KeyPair& identity_;
  FetchQueue* queue_;
  FetchTarget* target_;
  FetchCounters* counters_;
  HashFeed* feed_;
  const int taker_;
  UniqueFd socket_;
  std::unique_ptr<NoiseChannel> channel_;  // over socket_, once the handshake is done
  uint64_t bytes_ = 0;
  std::string buffer_;  // the unit being received
};

}  // namespace peerlink::peer_client
