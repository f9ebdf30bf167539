// The file server's accept loop.
#include "peer_server/serve_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/frame.h"
#include "common/net.h"

namespace peerlink {

FileServer::FileServer(UniqueFd listener, ServeContext ctx, size_t max_clients)
    : listener_(std::move(listener)),
      ctx_(std::move(ctx)),
      max_clients_(max_clients),
      spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

FileServer::~FileServer() { stop_all(); }

void FileServer::run(int signal_fd, std::atomic<bool>* stopping) {
  ctx_.stopping = stopping;
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {signal_fd, POLLIN, 0}};
    const int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (fds[1].revents & POLLIN) != 0) break;
    reap_finished();
    if ((fds[0].revents & POLLIN) != 0) accept_one();
  }
  stopping->store(true);
  if (ctx_.limiter != nullptr) ctx_.limiter->stop();
  stop_all();
}

void FileServer::accept_one() {
  UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd) {
    if ((errno == EMFILE || errno == ENFILE) && spare_fd_) {
      spare_fd_.reset();
      UniqueFd shed(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (ctx_.log != nullptr) ctx_.log->line("out of file descriptors: a connection was shed");
    }
    return;  // EAGAIN, ECONNABORTED, ...: the next poll tells
  }
  set_io_timeouts(fd.get(), ctx_.idle_timeout_ms);
  ctx_.counters->connections.fetch_add(1);
  if (workers_.size() >= max_clients_) {
    write_frame(fd.get(), wire::kError, "server busy");
    if (ctx_.log != nullptr) ctx_.log->line("busy: refused a connection from " + peer_ip(fd.get()));
    return;
  }
  auto w = std::make_unique<Worker>();
  w->fd = std::move(fd);
  Worker* raw = w.get();
  w->thread = std::thread([this, raw] {
    serve_connection(raw->fd.get(), ctx_);
    {
      std::lock_guard<std::mutex> lock(raw->mu);
      raw->fd.reset();
    }
    raw->finished.store(true);
  });
  workers_.push_back(std::move(w));
}

void FileServer::reap_finished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if ((*it)->finished.load()) {
      (*it)->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void FileServer::stop_all() {
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->fd) ::shutdown(w->fd.get(), SHUT_RDWR);
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  workers_.clear();
}

}  // namespace peerlink
