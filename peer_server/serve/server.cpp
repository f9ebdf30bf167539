// The file server's accept loop.
#include "peer_server/serve/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/net/net.h"

namespace peerlink::peer_server {

FileServer::FileServer(UniqueFd listener, ServeContext ctx, size_t max_clients)
    : listener_(std::move(listener)),
      ctx_(std::move(ctx)),
      max_clients_(max_clients),
      spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
      per_requester_cap_(std::max<size_t>(1, max_clients / 8)),
      per_ip_cap_(std::max<size_t>(1, max_clients / 2)) {}

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
  std::string ip = peer_ip(fd.get());
  bool busy = false;
  {
    std::lock_guard<std::mutex> lock(slots_mu_);
    // The thread cap bounds the connections being refused or dropped that have not finished
    // yet: beyond it, a connection is closed at once (an answer would need a handshake, and so a
    // thread).
    if (workers_.size() >= max_clients_ + 2 * kMaxPending) {
      if (ctx_.log != nullptr) ctx_.log->line("busy: closed a connection from " + ip);
      return;
    }
    // Every served slot taken: nobody new could be admitted anyway. It is told so, inside its
    // own handshake, on a thread of its own, and never counts as pending.
    busy = admitted_ >= max_clients_;
    if (busy) {
      if (ctx_.log != nullptr) ctx_.log->line("busy: refused a connection from " + ip);
    } else {
      make_pending_room(ip);
    }
  }
  auto w = std::make_unique<Worker>();
  w->fd = std::move(fd);
  w->ip = std::move(ip);
  w->dropped = busy;  // not written by anyone else before the thread starts
  Worker* raw = w.get();
  w->thread = std::thread([this, raw, busy] {
    if (busy) {
      refuse_busy(raw->fd.get(), ctx_);
    } else {
      serve_connection(raw->fd.get(), ctx_,
                       [this, raw](const std::string& requester) { return admit(raw, requester); });
    }
    {
      std::lock_guard<std::mutex> lock(raw->mu);
      raw->fd.reset();
    }
    {
      std::lock_guard<std::mutex> lock(slots_mu_);
      if (raw->admitted) {
        --admitted_;
        release(&admitted_by_ip_, raw->ip);
        release(&admitted_by_requester_, raw->requester);
      }
      raw->admitted = false;
    }
    raw->finished.store(true);
  });
  workers_.push_back(std::move(w));
}

bool FileServer::admit(Worker* w, const std::string& requester) {
  std::lock_guard<std::mutex> lock(slots_mu_);
  if (w->dropped || admitted_ >= max_clients_) return false;
  // A ticket is no licence to take every slot: one requester (a valid ticket works on any number
  // of connections) and one address get a share of them, so the others are still served.
  if (admitted_by_requester_[requester] >= per_requester_cap_ ||
      admitted_by_ip_[w->ip] >= per_ip_cap_) {
    if (admitted_by_requester_[requester] == 0) admitted_by_requester_.erase(requester);
    if (admitted_by_ip_[w->ip] == 0) admitted_by_ip_.erase(w->ip);
    // It is told "server busy" and ends: no longer a pending connection that competes for a
    // place with those still to show a ticket (a busy answer must not push a live one out).
    w->dropped = true;
    return false;
  }
  w->admitted = true;
  w->requester = requester;
  ++admitted_;
  ++admitted_by_requester_[requester];
  ++admitted_by_ip_[w->ip];
  return true;
}

void FileServer::release(std::map<std::string, size_t>* counts, const std::string& key) {
  auto it = counts->find(key);
  if (it == counts->end()) return;
  if (--it->second == 0) counts->erase(it);
}

void FileServer::make_pending_room(const std::string& ip) {
  size_t pending = 0, from_ip = 0;
  Worker* oldest = nullptr;
  Worker* oldest_from_ip = nullptr;
  for (auto& w : workers_) {  // oldest first: workers_ is in accept order
    if (w->admitted || w->dropped || w->finished.load()) continue;
    ++pending;
    if (oldest == nullptr) oldest = w.get();
    if (w->ip == ip) {
      ++from_ip;
      if (oldest_from_ip == nullptr) oldest_from_ip = w.get();
    }
  }
  if (from_ip >= kMaxPendingPerPeer) {
    drop(oldest_from_ip);
  } else if (pending >= kMaxPending) {
    drop(oldest);
  }
}

void FileServer::drop(Worker* w) {
  {
    std::lock_guard<std::mutex> lock(w->mu);
    if (w->fd) ::shutdown(w->fd.get(), SHUT_RDWR);
  }
  w->dropped = true;
  const uint64_t total = ctx_.counters->dropped.fetch_add(1) + 1;
  // One line per interval, not per connection: a flood must not flood the log too.
  const auto now = std::chrono::steady_clock::now();
  if (ctx_.log != nullptr && now - last_drop_log_ >= std::chrono::seconds(10)) {
    ctx_.log->line("pending: dropped " + std::to_string(total - drops_logged_) +
                   " connection(s) that showed no valid ticket, oldest first (last from " + w->ip +
                   ")");
    last_drop_log_ = now;
    drops_logged_ = total;
  }
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

}  // namespace peerlink::peer_server
