// The file server's accept loop: a bounded set of connection threads, stopped by a signal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/base/fd.h"
#include "peer_server/serve/connection.h"

namespace peerlink::peer_server {

// Accepts downloaders on a listening socket and serves each on its own thread. Slots are counted
// only for connections whose ticket checked out: at most `max_clients` of those at once (more get
// `ERROR server busy`). Connections that have not shown a valid ticket yet are pending: at most
// kMaxPending of them, kMaxPendingPerPeer from one IP address; a new one beyond either cap drops
// the oldest pending one (of that address, or overall), so whoever trickles or waits cannot keep a
// downloader out, and each has kRequestTimeoutMs to send its request in full. The Noise handshake
// runs on the connection's own thread, within that same time: a stalled handshake is one more
// pending connection and never holds up the accept loop or another downloader. Owns the listening
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
    // connection was cut to make room for a newer pending one or told "server busy".
    bool admitted = false;
    bool dropped = false;
    std::string requester;  // whose ticket admitted it (set with `admitted`)
  };
  void accept_one();
  void reap_finished();
  void stop_all();
  // Called on a worker's thread when its first ticket checks out: false (the client is told
  // "server busy") when every slot is taken, or `requester` or the worker's address already
  // holds its share.
  bool admit(Worker* w, const std::string& requester);
  static void release(std::map<std::string, size_t>* counts, const std::string& key);
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
  // Served slots by requester and by address (guarded by slots_mu_), and the share of the
  // slots each may hold: an eighth per requester, half per address (a classroom behind one
  // address, or everyone on one machine in a demo, still gets served).
  std::map<std::string, size_t> admitted_by_requester_;
  std::map<std::string, size_t> admitted_by_ip_;
  size_t per_requester_cap_;
  size_t per_ip_cap_;
  std::chrono::steady_clock::time_point last_drop_log_{};
  uint64_t drops_logged_ = 0;
};

}  // namespace peerlink::peer_server
