// The file server's accept loop: a bounded set of connection threads, stopped by a signal.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "common/fd.h"
#include "peer_server/serve_connection.h"

namespace peerlink {

// Accepts downloaders on a listening socket and serves each on its own thread, at most
// `max_clients` at once (more get `ERROR server busy`). Owns the listening socket and every
// connection socket; the ServeContext's pointees must outlive run().
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
  };
  void accept_one();
  void reap_finished();
  void stop_all();

  UniqueFd listener_;
  ServeContext ctx_;
  size_t max_clients_;
  // Touched only by the thread in run(); workers only set their own `finished`.
  std::list<std::unique_ptr<Worker>> workers_;
  // Kept open so that, out of descriptors, a connection can still be accepted and closed instead
  // of leaving the listener readable forever (the "spare fd" trick).
  UniqueFd spare_fd_;
};

}  // namespace peerlink
