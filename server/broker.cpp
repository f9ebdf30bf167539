// The broker's event loop: accepting, reading lines, buffered writes, timers, shutdown.
#include "server/broker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/net.h"

namespace peerlink {
namespace {

constexpr uint64_t kListenTag = 1;
constexpr uint64_t kSignalTag = 2;
constexpr int kReadsPerWakeup = 4;  // fairness: a flooding client yields to the others

void enable_keepalive(int fd) {
  // Registered clients may sit idle for hours; keepalive finds the half-open ones.
  int one = 1, idle = 60, interval = 10, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

Broker::Broker(BrokerOptions options) : opt_(std::move(options)) {}

bool Broker::start(std::string* error) {
  if (!poller_.ok()) {
    *error = std::string("epoll: ") + std::strerror(errno);
    return false;
  }
  if (!log_.open(opt_.log_path, error)) return false;
  if (!opt_.quiet) log_.set_echo(stdout);
  log_.set_autoflush(false);  // flushed once per loop turn, in run()
  SocketResult l = listen_tcp(opt_.bind, opt_.port, 4096);
  if (!l.ok()) {
    *error = l.error;
    return false;
  }
  listen_fd_ = std::move(l.fd);
  set_nonblocking(listen_fd_.get());
  std::string host = opt_.bind.empty() ? "*" : opt_.bind;
  listen_addr_ = host_port(host, local_port(listen_fd_.get()));

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  signal_fd_.reset(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  poller_.add(listen_fd_.get(), kListenTag, false);
  if (signal_fd_) poller_.add(signal_fd_.get(), kSignalTag, false);
  return true;
}

std::string Broker::listen_address() const { return listen_addr_; }

int Broker::run() {
  log_.line("broker started on " + listen_addr_);
  std::vector<epoll_event> events(1024);
  while (!stopping_) {
    int n = poller_.wait(&events, next_timeout_ms());
    for (int i = 0; i < n && !stopping_; ++i) {
      uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      uint32_t ev = events[static_cast<size_t>(i)].events;
      if (tag == kListenTag) {
        accept_all();
        continue;
      }
      if (tag == kSignalTag) {
        signalfd_siginfo si{};
        while (::read(signal_fd_.get(), &si, sizeof si) == sizeof si) {
        }
        stopping_ = true;
        break;
      }
      auto it = conns_.find(tag);
      if (it == conns_.end()) continue;
      Connection& c = *it->second;
      if (c.dead) continue;
      if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(c);
      if (!c.dead && (ev & EPOLLOUT) && !c.dirty) {
        c.dirty = true;
        dirty_.push_back(c.id());
      }
    }
    handle_timers();
    flush_dirty();
    for (uint64_t id : dead_) destroy(id);
    dead_.clear();
    log_.flush();
  }
  shutdown_all();
  log_.line("broker stopped");
  log_.flush();
  return 0;
}

void Broker::accept_all() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && spare_fd_) {
        // Out of descriptors: use the spare to accept and close one pending connection, so the
        // listener does not spin on a connection it can never take.
        spare_fd_.reset();
        int victim = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (victim >= 0) ::close(victim);
        spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        log_.line("out of file descriptors: refused a connection");
        continue;
      }
      return;  // EAGAIN or a transient error: wait for the next readiness
    }
    uint16_t port = 0;
    if (ss.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    std::string ip = sockaddr_ip(reinterpret_cast<sockaddr*>(&ss));
    enable_keepalive(fd);
    set_nodelay(fd);
    uint64_t id = next_conn_id_++;
    auto conn = std::make_unique<Connection>(id, UniqueFd(fd), ip, port);
    if (!poller_.add(fd, id, false)) continue;  // conn's destructor closes fd
    register_timers_.push_back(
        {conn->connected_at + std::chrono::seconds(opt_.register_timeout_s), id});
    conns_.emplace(id, std::move(conn));
  }
}

void Broker::on_readable(Connection& c) {
  char buf[16384];
  for (int round = 0; round < kReadsPerWakeup && !c.dead; ++round) {
    ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      drop(c, std::string("read error: ") + std::strerror(errno));
      return;
    }
    if (n == 0) {
      drop(c, "disconnected");
      return;
    }
    if (c.state == Connection::State::kClosing) continue;  // discard input while closing
    c.input().append(buf, static_cast<size_t>(n));
    std::string line;
    for (;;) {
      if (c.dead || c.state == Connection::State::kClosing) break;
      LineBuffer::Result r = c.input().next(&line);
      if (r == LineBuffer::Result::kNeedMore) break;
      if (r == LineBuffer::Result::kTooLong) {
        error(c, 413, "line too long (limit " + std::to_string(wire::kMaxLineBytes) + " bytes)",
              "<over-long line>");
        close_after_reply(c);
        break;
      }
      on_line(c, line);
    }
    if (static_cast<size_t>(n) < sizeof buf) return;
  }
}

void Broker::send(Connection& c, const std::string& data) {
  if (c.dead) return;
  bool was_dirty = c.dirty;
  if (!c.queue(data, opt_.max_output_bytes)) {
    drop(c, "output buffer over " + std::to_string(opt_.max_output_bytes) +
                " bytes (client not reading)");
    return;
  }
  if (!was_dirty) dirty_.push_back(c.id());
}

void Broker::send_to_user(const std::string& user, const std::string& data) {
  const User* u = registry_.find(user);
  if (u == nullptr) return;
  auto it = conns_.find(u->conn_id);
  if (it != conns_.end()) send(*it->second, data);
}

void Broker::broadcast(const std::string& data, const std::string& except_user) {
  for (const auto& [name, u] : registry_.users()) {
    if (name == except_user) continue;
    auto it = conns_.find(u.conn_id);
    if (it != conns_.end()) send(*it->second, data);
  }
}

void Broker::close_after_reply(Connection& c) {
  unregister(c);  // the others hear of it now, not when the socket finally closes
  c.state = Connection::State::kClosing;
}

void Broker::drop(Connection& c, const std::string& why) {
  if (c.dead) return;
  c.dead = true;
  dead_.push_back(c.id());
  log_.line(c.label() + " closed: " + why);
  unregister(c);
}

void Broker::unregister(Connection& c) {
  if (c.user.empty()) return;
  std::string user = c.user;
  registry_.remove(user);
  c.user.clear();
  forget_user(user);
  broadcast(LineWriter("EVENT LEAVE").field(user).str(), user);
}

void Broker::destroy(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  poller_.remove(it->second->fd());
  conns_.erase(it);  // closes the socket
}

void Broker::flush_dirty() {
  // Swap first: flushing can drop a connection, and dropping broadcasts LEAVE, which dirties
  // others; those are picked up on the next pass.
  while (!dirty_.empty()) {
    std::vector<uint64_t> batch;
    batch.swap(dirty_);
    for (uint64_t id : batch) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      Connection& c = *it->second;
      if (c.dead) continue;
      if (!c.flush()) {
        drop(c, std::string("write error: ") + std::strerror(errno));
        continue;
      }
      bool want = c.has_output();
      if (!want && c.state == Connection::State::kClosing) {
        ::shutdown(c.fd(), SHUT_WR);
        drop(c, "closed after reply");
        continue;
      }
      if (want != c.watching_write) {
        poller_.modify(c.fd(), c.id(), want);
        c.watching_write = want;
      }
    }
  }
}

void Broker::handle_timers() {
  auto now = Clock::now();
  while (!register_timers_.empty() && register_timers_.front().first <= now) {
    uint64_t id = register_timers_.front().second;
    register_timers_.pop_front();
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    Connection& c = *it->second;
    if (c.dead || c.state == Connection::State::kRegistered ||
        c.state == Connection::State::kAnnouncing || c.state == Connection::State::kClosing) {
      continue;
    }
    error(c, 408, "registration timed out", "<idle>");
    close_after_reply(c);
  }
  for (uint64_t id : pending_.expired_chats(now)) expire_chat(id);
  for (uint64_t id : pending_.expired_offers(now)) expire_offer(id);
}

int Broker::next_timeout_ms() const {
  auto next = pending_.next_deadline();
  if (!register_timers_.empty()) next = std::min(next, register_timers_.front().first);
  if (next == Clock::time_point::max()) return -1;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60000));
}

void Broker::shutdown_all() {
  const std::string bye = "EVENT SHUTDOWN\n";
  for (auto& [id, c] : conns_) {
    if (c->dead) continue;
    c->queue(bye, opt_.max_output_bytes + bye.size());
    c->flush();  // one non-blocking attempt: a stuck client does not delay the exit
  }
  conns_.clear();
}

void Broker::log_query(const Connection& c, std::string_view query, std::string_view result) {
  std::string text = c.label();
  text.push_back(' ');
  text.append(query.substr(0, 200));
  text.append(" -> ");
  text.append(result.substr(0, 200));
  log_.line(text);
}

}  // namespace peerlink
