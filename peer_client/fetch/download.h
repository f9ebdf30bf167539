// A whole download: prepares the .part, runs one connection per source over a shared block queue,
// reports progress, and finishes with the checked rename.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/fd.h"
#include "common/crypto/sha256.h"
#include "common/crypto/x25519.h"
#include "common/handoff/fetch_args.h"
#include "common/handoff/fetch_sources.h"
#include "peer_client/fetch/connection.h"
#include "peer_client/fetch/hash_feed.h"
#include "peer_client/fetch/queue.h"
#include "peer_client/fetch/report.h"
#include "peer_client/fetch/target.h"

namespace peerlink::peer_client {

class Download {
 public:
  // `sources` must already match the options' size and hash. `signal_fd` (a signalfd, not
  // owned) stops the download when readable; what was fetched stays for a resume. `identity` is
  // the requester's static key pair, proved to every file server.
  Download(const FetchArgs& options, std::string local_name, std::vector<FetchSource> sources,
           int signal_fd, const X25519KeyPair& identity);

  // Returns the exit status: 0 done and verified, 1 failed.
  int run();

 private:
  // Runs sources one after another (taking the next untried one each time) until the work is
  // done or none is left.
  void worker();
  // Reports progress until every worker has ended or a signal arrives.
  void watch();
  // The hasher thread: hashes the file in order as its done prefix grows, so that little is left
  // to verify once the last block lands: each block from the bytes its source kept in feed_
  // (exactly what was written), or read back from the .part when they were not kept.
  void hash_prefix();
  // Worker `taker` runs source `i` (with retries while it is busy); false once the download
  // should take no further source.
  bool run_source(int taker, size_t i);
  int fail(const std::string& reason);

  const FetchArgs& options_;
  const std::string name_;
  const std::vector<FetchSource> sources_;
  const int signal_fd_;
  const X25519KeyPair identity_;
  FetchTarget target_;
  FetchReporter reporter_;
  FetchCounters counters_;
  std::unique_ptr<FetchQueue> queue_;
  HashFeed feed_;
  UniqueFd wake_fd_;  // eventfd: the last worker to end writes it, so watch() returns at once
  std::atomic<size_t> next_source_{0};
  std::atomic<size_t> running_{0};
  std::atomic<int> next_taker_{0};
  std::atomic<bool> interrupted_{false};
  // Only the hasher thread touches these until it is joined.
  Sha256 hash_;
  uint64_t hashed_ = 0;              // bytes of the .part fed to hash_, from the start
  bool hash_failed_ = false;         // a read failed: hash_ is unusable, verify from scratch
  std::mutex mu_;                    // guards the fields below
  std::string fatal_error_;          // a local failure (disk) that stopped the download
  std::vector<uint64_t> served_by_;  // bytes per source
};

}  // namespace peerlink::peer_client
