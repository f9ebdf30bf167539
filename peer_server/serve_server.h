// The file server's accept loop: a bounded set of connection threads, stopped by a signal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/fd.h"
#include "peer_server/serve_connection.h"

namespace peerlink {

// Accepts downloaders on a listening socket and serves each on its own thread. Slots are counted
// only for connections whose ticket checked out: at most `max_clients` of those at once (more get
// `ERROR server busy`). Connections that have not shown a valid ticket yet are pending: at most
// kMaxPending of them, kMaxPendingPerPeer from one IP address; a new one beyond either cap drops
// the oldest pending one (of that address, or overall), so whoever trickles or waits cannot keep a
// downloader out, and each has kRequestTimeoutMs to send its request in full. Owns the listening
// socket and every connection socket; the ServeContext's pointees must outlive run().
inline constexpr size_t kMaxPending = 32;
inline constexpr size_t kMaxPendingPerPeer = 8;

class FileServer {
 public:
  FileServer(UniqueFd listener, ServeContext ctx, size_t max_clients);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  // Serves until `signal_fd` (a signalfd) becomes readable, then stops accepting, cuts every
  // connection short (shutdown), joins the threads and returns. `stopping` is set first, so that
  // connection threads notice.
  void run(int signal_fd, std::atomic<bool>* stopping);

 private:
  struct Worker {
    // The connection. The worker closes it as soon as it is done (so the peer sees the close at
    // once); `mu` keeps stop_all()'s shutdown() from ever hitting a closed, reused fd number.
    std::mutex mu;
    UniqueFd fd;
    std::thread thread;
    std::atomic<bool> finished{false};
    std::string ip;  // the peer's address
    // Guarded by slots_mu_: a ticket checked out (the worker holds a served slot), or the
    // connection was cut to make room for a newer pending one.
    bool admitted = false;
    bool dropped = false;
  };
  void accept_one();
  void reap_finished();
  void stop_all();
  // Called on a worker's thread when its first ticket checks out.
  bool admit(Worker* w);
  // With slots_mu_ held: if a connection from `ip` would exceed a pending cap, drops the oldest
  // pending connection (from `ip` if that cap is the one reached).
  void make_pending_room(const std::string& ip);
  void drop(Worker* w);

  UniqueFd listener_;
  ServeContext ctx_;
  size_t max_clients_;
  // Touched only by the thread in run(); workers only set their own `finished`.
  std::list<std::unique_ptr<Worker>> workers_;
  // Kept open so that, out of descriptors, a connection can still be accepted and closed instead
  // of leaving the listener readable forever (the "spare fd" trick).
  UniqueFd spare_fd_;
  std::mutex slots_mu_;  // guards admitted_ and every Worker's admitted/dropped
  size_t admitted_ = 0;  // workers holding a served slot
  std::chrono::steady_clock::time_point last_drop_log_{};
  uint64_t drops_logged_ = 0;
};

}  // namespace peerlink
