// The broker's event loop: accepting, reading lines, buffered writes, timers, shutdown.
#include "server/broker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>
#include <optional>

#include "common/crypto/fingerprint.h"
#include "common/fs/key_file.h"
#include "common/fs/names.h"
#include "common/fs/private_dir.h"
#include "common/net/keepalive.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"

namespace peerlink::broker {
namespace {

constexpr uint64_t kListenTag = 1;
constexpr uint64_t kSignalTag = 2;
constexpr int kReadsPerWakeup = 4;   // fairness: a flooding client yields to the others
constexpr int kAcceptsPerTurn = 64;  // likewise for a flood of connections
constexpr int kAcceptRetryMs = 100;  // out of descriptors: look at the listener again after this
constexpr int kFdLogIntervalS = 10;  // ... and say so in the log at most this often
constexpr auto kNamesSaveInterval = std::chrono::seconds(1);
constexpr int64_t kSecondsPerDay = 86400;

BusyLimits busy_limits(const BrokerOptions& o) {
  BusyLimits l;
  l.max_records = o.max_busy;
  l.expiry = std::chrono::seconds(o.busy_expiry_s);
  l.grace = std::chrono::seconds(o.busy_grace_s);
  return l;
}

}  // namespace

Broker::Broker(BrokerOptions options, StopSignals* signals)
    : opt_(std::move(options)), signals_(signals), busy_(busy_limits(opt_)) {}

Broker::~Broker() { ::explicit_bzero(&key_, sizeof key_); }

Result Broker::start() {
  if (!poller_.ok()) return Result::system("epoll", errno);
  if (!opt_.state_dir.empty()) {
    if (const Result made = make_private_dirs(opt_.state_dir); !made) return made;
  }
  if (const Result opened = log_.open(opt_.log_path); !opened) return opened;
  if (const Result loaded = load_state(); !loaded) return loaded;
  if (!opt_.quiet) log_.set_echo(stdout);
  log_.set_autoflush(false);  // flushed once per loop turn, in run()
  Expected<UniqueFd> l = listen_tcp(opt_.bind, opt_.port, 4096);
  if (!l.ok()) return l.result();
  listen_fd_ = std::move(*l);
  set_nonblocking(listen_fd_.get());
  std::string host = opt_.bind.empty() ? "*" : opt_.bind;
  listen_addr_ = host_port(host, local_port(listen_fd_.get()));

  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  poller_.add(listen_fd_.get(), kListenTag, false);
  if (signals_ != nullptr && signals_->fd() >= 0) poller_.add(signals_->fd(), kSignalTag, false);
  return {};
}

std::string Broker::listen_address() const { return listen_addr_; }

Result Broker::load_state() {
  if (opt_.key_path.empty()) {
    // Made once per process: a fuzzer starts a broker per input.
    static const X25519KeyPair ephemeral = x25519_generate();
    key_ = ephemeral;
    fingerprint_ = grouped_fingerprint(key_fingerprint(key_.public_key));
    startup_notes_.push_back("broker key fingerprint " + fingerprint_ + " (ephemeral)");
  } else {
    bool created = false;
    Expected<X25519KeyPair> key = load_or_create_key_file(opt_.key_path, &created);
    if (!key.ok()) return key.result();
    key_ = *key;
    ::explicit_bzero(&*key, sizeof *key);
    fingerprint_ = grouped_fingerprint(key_fingerprint(key_.public_key));
    startup_notes_.push_back((created ? "created a new broker key in " : "broker key from ") +
                             opt_.key_path);
    startup_notes_.push_back("broker key fingerprint " + fingerprint_);
  }
  names_ = NameKeys(opt_.names_path, int64_t{opt_.name_expiry_days} * kSecondsPerDay);
  if (opt_.names_path.empty()) return {};  // bindings not kept (tests, fuzzers)
  Expected<NameKeys::LoadReport> report = names_.load();
  if (!report.ok()) return report.result();
  std::string note = "names file " + opt_.names_path + ": " + std::to_string(report->bindings) +
                     " names bound to keys";
  if (report->bad_lines > 0) {
    note += " (" + std::to_string(report->bad_lines) + " bad lines skipped)";
  }
  startup_notes_.push_back(note);
  for (const std::string& name : opt_.release) {
    const NameKeys::Binding* b = names_.find(name);
    if (b == nullptr) {
      startup_notes_.push_back("release " + name + ": no key held that name");
      continue;
    }
    const std::string was = grouped_fingerprint(key_fingerprint(b->key));
    names_.release(name);
    startup_notes_.push_back("released name " + name + " (it belonged to key " + was + ")");
  }
  if (names_.dirty()) {
    if (const Result saved = names_.save(); !saved) return saved;
  }
  return {};
}

void Broker::save_names_if_due(Clock::time_point now, bool at_once) {
  if (!names_.dirty() || (!at_once && now < names_save_at_)) return;
  names_save_at_ = now + kNamesSaveInterval;
  const Result saved = names_.save();
  if (saved.ok() && names_save_failing_) log_line("names saved again to " + names_.path());
  if (!saved.ok() && !names_save_failing_) log_line("cannot save the names: " + saved.message());
  names_save_failing_ = !saved.ok();
}

int Broker::run() {
  log_line("broker started on " + listen_addr_);
  for (const std::string& note : startup_notes_) log_line(note);
  startup_notes_.clear();
  log_.flush();  // the first turn may wait long for an event
  while (!stopping_) turn(next_timeout_ms());
  shutdown_all();
  save_names_if_due(Clock::now(), true);
  log_line("broker stopped");
  log_.flush();
  return 0;
}

void Broker::turn(int timeout_ms) {
  int n = poller_.wait(&events_, timeout_ms);
  scan_budget_left_ = opt_.scan_budget_per_turn;
  for (int i = 0; i < n && !stopping_; ++i) {
    uint64_t tag = events_[static_cast<size_t>(i)].data.u64;
    uint32_t ev = events_[static_cast<size_t>(i)].events;
    if (tag == kListenTag) {
      accept_all();
      continue;
    }
    if (tag == kSignalTag) {
      (void)signals_->take();
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
  resume_deferred();
  handle_timers();
  // Index entries of replaced and removed sets: 4096 per turn (~1-2 ms), a little more only when
  // a great many wait (1/64 of them), so they cannot pile up faster than they go, while a mass
  // departure is spread over many turns instead of holding a few.
  registry_.collect(std::max<size_t>(4096, registry_.garbage() / 64));
  run_jobs();
  reap_dead();  // flushes, and enforces the output budget
  log_.flush();
}

bool Broker::adopt(UniqueFd fd, const std::string& ip, uint16_t port) {
  int raw = fd.get();
  uint64_t id = next_conn_id_++;
  auto conn = std::make_unique<Connection>(id, std::move(fd), ip, port);
  if (!poller_.add(raw, id, false)) return false;  // conn's destructor closes fd
  register_timers_.push_back(
      {conn->connected_at + std::chrono::seconds(opt_.register_timeout_s), id});
  conns_.emplace(id, std::move(conn));
  return true;
}

void Broker::accept_all() {
  // Bounded per loop turn, so a flood of connections cannot keep the loop from the others (and
  // from the signalfd).
  for (int accepted = 0; accepted < kAcceptsPerTurn; ++accepted) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        int err = errno;
        // Out of descriptors. Linux reports EMFILE before it looks at the queue, so this says
        // nothing about whether anyone is waiting. Use the spare descriptor to accept and close
        // one waiting connection (the client sees the close at once instead of hanging); if
        // the queue turns out empty, or there is no spare, stop watching the listener for a
        // moment: level-triggered epoll would otherwise report it ready on every turn.
        if (spare_fd_) {
          spare_fd_.reset();
          int victim = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
          bool shed = victim >= 0;
          if (shed) ::close(victim);
          spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
          note_fd_exhaustion(err, shed ? 1 : 0);
          if (shed && spare_fd_) continue;
        } else {
          note_fd_exhaustion(err, 0);
        }
        pause_accepting(Clock::now() + std::chrono::milliseconds(kAcceptRetryMs));
        return;
      }
      return;  // EAGAIN or a transient error: wait for the next readiness
    }
    uint16_t port = 0;
    if (ss.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    std::string ip = sockaddr_ip(reinterpret_cast<sockaddr*>(&ss));
    set_keepalive(fd);  // registered clients may sit idle for hours: find the half-open ones
    set_nodelay(fd);
    if (opt_.socket_sndbuf > 0) {
      // Bounded kernel memory per client too: a client that does not read holds at most this
      // (the kernel doubles it) plus what the broker buffers for it.
      int sndbuf = static_cast<int>(opt_.socket_sndbuf);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    }
    adopt(UniqueFd(fd), ip, port);
  }
}

void Broker::note_fd_exhaustion(int err, size_t shed) {
  fd_shed_unlogged_ += shed;
  auto now = Clock::now();
  if (now < fd_log_next_) return;
  fd_log_next_ = now + std::chrono::seconds(kFdLogIntervalS);
  log_line(std::string("out of file descriptors (") + std::strerror(err) + ", " +
           std::to_string(conns_.size()) + " connections open): shed " +
           std::to_string(fd_shed_unlogged_) + " new connection(s); next report in " +
           std::to_string(kFdLogIntervalS) + " s at the earliest");
  fd_shed_unlogged_ = 0;
}

bool Broker::allow_handshake(const std::string& ip) {
  const size_t rate = opt_.handshakes_per_ip_per_s;
  if (rate == 0) return true;
  const Clock::time_point now = Clock::now();
  const double burst = 2.0 * static_cast<double>(rate);
  // Bounded: past this many addresses, forget the ones whose buckets have refilled (they would
  // start full anyway); if that frees too little, start over (a flood of spoofed addresses).
  constexpr size_t kMaxAddresses = 65536;
  if (handshake_buckets_.size() >= kMaxAddresses && handshake_buckets_.count(ip) == 0) {
    for (auto it = handshake_buckets_.begin(); it != handshake_buckets_.end();) {
      const double idle = std::chrono::duration<double>(now - it->second.at).count();
      it = it->second.tokens + idle * static_cast<double>(rate) >= burst
               ? handshake_buckets_.erase(it)
               : std::next(it);
    }
    if (handshake_buckets_.size() >= kMaxAddresses / 2) handshake_buckets_.clear();
  }
  auto [it, fresh] = handshake_buckets_.try_emplace(ip, HandshakeBucket{burst, now});
  HandshakeBucket& b = it->second;
  if (!fresh) {
    const double idle = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst, b.tokens + idle * static_cast<double>(rate));
    b.at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  ++handshakes_refused_unlogged_;
  if (now >= handshake_log_next_) {
    handshake_log_next_ = now + std::chrono::seconds(kFdLogIntervalS);
    log_line("refused " + std::to_string(handshakes_refused_unlogged_) +
             " connection(s): more than " + std::to_string(rate) +
             " handshakes a second from one address (" + ip + "); next report in " +
             std::to_string(kFdLogIntervalS) + " s at the earliest");
    handshakes_refused_unlogged_ = 0;
  }
  return false;
}

void Broker::pause_accepting(Clock::time_point until) {
  if (!accept_paused_) poller_.remove(listen_fd_.get());
  accept_paused_ = true;
  accept_resume_at_ = until;
}

void Broker::resume_accepting() {
  // The spare may have been lost to another process while we were out of descriptors.
  if (!spare_fd_) spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!accept_paused_) return;
  // If the listener cannot be watched again, it stays paused and the timer tries again.
  if (poller_.add(listen_fd_.get(), kListenTag, false)) accept_paused_ = false;
}

void Broker::on_readable(Connection& c) {
  char buf[16384];
  // A busy connection is not read: its input waits (in the kernel) until its listing is done.
  for (int round = 0; round < kReadsPerWakeup && !c.dead && !c.busy && !c.deferred; ++round) {
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
    if (c.transport() == Connection::Transport::kUndecided) {
      choose_transport(c, buf[0]);
      if (c.state == Connection::State::kClosing) continue;
    }
    if (c.transport() == Connection::Transport::kNoise) {
      const bool was_dirty = c.dirty;
      size_t answer = 0;
      if (const Result r = c.take_noise(buf, static_cast<size_t>(n), &answer); !r) {
        drop(c, r.message());  // at once: nothing more is read or written
        return;
      }
      if (answer > 0) {  // a handshake message to write
        total_output_ += answer;
        c.dirty = true;
        if (!was_dirty) dirty_.push_back(c.id());
      }
    } else {
      c.input().append(buf, static_cast<size_t>(n));
    }
    process_input(c);
    if (static_cast<size_t>(n) < sizeof buf) return;
  }
}

void Broker::choose_transport(Connection& c, char first) {
  // A Noise client's first byte is the high byte of message 1's length (32): 0x00. A plaintext
  // client's first line is HELLO (or whatever a person types into nc).
  if (first == '\0') {
    if (!allow_handshake(c.ip())) {
      drop(c, "too many handshakes", false);
      return;
    }
    c.use_noise(key_);
    return;
  }
  c.use_plaintext();
  if (opt_.plaintext) return;
  error(c, wire::err::kForbidden, std::string(wire::err::kEncryptionRequired), "<plaintext>");
  close_after_reply(c);
}

void Broker::process_input(Connection& c) {
  std::string line;
  const uint64_t start = work_;
  for (;;) {
    if (c.dead || c.busy || c.state == Connection::State::kClosing) break;
    if (work_ - start >= opt_.work_per_turn) {
      if (!c.deferred) deferred_.push_back(c.id());
      c.deferred = true;
      break;
    }
    LineBuffer::Result r = c.input().next(&line);
    if (r == LineBuffer::Result::kNeedMore) break;
    if (r == LineBuffer::Result::kTooLong) {
      error(c, wire::err::kTooLarge,
            "line too long (limit " + std::to_string(wire::kMaxLineBytes) + " bytes)",
            "<over-long line>");
      close_after_reply(c);
      break;
    }
    on_line(c, line);
  }
}

void Broker::resume_deferred() {
  std::vector<uint64_t> ids;
  ids.swap(deferred_);
  for (uint64_t id : ids) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    Connection& c = *it->second;
    c.deferred = false;
    if (!c.dead && !c.busy) process_input(c);
  }
}

void Broker::send(Connection& c, const std::string& data) {
  work_ += 1 + data.size() / 64;
  if (c.dead) return;
  bool was_dirty = c.dirty;
  if (!c.queue(data, opt_.max_output_bytes)) {
    drop(c, "output buffer over " + std::to_string(opt_.max_output_bytes) +
                " bytes (client not reading)");
    return;
  }
  total_output_ += data.size();
  if (!was_dirty) dirty_.push_back(c.id());
}

void Broker::send_event(Connection& c, const std::string& data) {
  if (c.dead || c.resync) return;  // dropped: the RESYNC already queued covers it
  // A client that keeps up (at most max_event_backlog waiting) takes the whole batch: bounded
  // by max_event_backlog + kMaxPresenceBatch plus a batch's last user's lines.
  if (c.pending_output() <= opt_.max_event_backlog) return send(c, data);
  c.resync = true;
  send(c, LineWriter(wire::kEvent).word(wire::event::kResync).str());
  c.resync_end = c.queued_total();
}

void Broker::send_to_user(const std::string& user, const std::string& data) {
  const User* u = registry_.find(user);
  if (u == nullptr) return;
  auto it = conns_.find(u->conn_id);
  if (it != conns_.end()) send(*it->second, data);
}

void Broker::push_presence(bool at_once) {
  if (presence_.empty()) return;
  const Clock::time_point now = Clock::now();
  // Few users: every turn (as good as at once). Many: every kPresenceInterval, or when a batch
  // has grown to kMaxPresenceBatch, so each recipient gets one line per user that changed, in
  // one piece, instead of one write per event.
  const bool due = at_once || registry_.size() < kBatchFromUsers || now >= presence_due_ ||
                   presence_.bytes() >= kMaxPresenceBatch;
  if (!due) return;
  presence_due_ = now + kPresenceInterval;
  const PresenceBatch::Batch batch = presence_.take();  // one encoding for all
  if (batch.lines > kMaxListedChanges) {
    // Too many to list (a crowd arriving or leaving): one summary line each, so that N users
    // registering cost each recipient O(1) lines per batch, not O(N).
    const std::string summary = batch.summary();
    for (const auto& [key, u] : registry_.users()) {
      ++work_;
      auto it = conns_.find(u.conn_id);
      if (it != conns_.end()) send_event(*it->second, summary);
    }
    return;
  }
  for (const auto& [key, u] : registry_.users()) {
    ++work_;
    auto it = conns_.find(u.conn_id);
    if (it == conns_.end()) continue;
    // Users are not told of their own changes: those in the batch get it without their lines.
    if (batch.own.count(u.name) == 0) {
      send_event(*it->second, batch.text);
    } else if (std::string mine = batch.for_user(u.name); !mine.empty()) {
      send_event(*it->second, mine);
    }
  }
}

void Broker::enforce_output_budget() {
  if (total_output_ <= opt_.max_total_output) return;
  // The slowest readers are the ones with the most output waiting: drop them first, down to 3/4
  // of the budget so this does not run again on the next event.
  std::vector<std::pair<size_t, uint64_t>> backlog;
  for (const auto& [id, c] : conns_) {
    if (c->dead) continue;
    size_t held = c->pending_output();
    if (auto job = jobs_.find(id); job != jobs_.end()) held += job->second.lines.size();
    if (held > 0) backlog.push_back({held, id});
  }
  std::sort(backlog.begin(), backlog.end(), std::greater<>());
  size_t target = opt_.max_total_output / 4 * 3, total = total_output_;
  for (const auto& [held, id] : backlog) {
    if (total <= target) break;
    drop(*conns_[id], "dropped: " + std::to_string(held) +
                          " bytes of output waiting, the most while the broker's output is over " +
                          std::to_string(opt_.max_total_output) + " bytes (client not reading)");
    total -= std::min(total, held);
  }
}

void Broker::close_after_reply(Connection& c) {
  unregister(c);  // the others hear of it now, not when the socket finally closes
  c.state = Connection::State::kClosing;
}

void Broker::drop(Connection& c, const std::string& why, bool log) {
  if (c.dead) return;
  c.dead = true;
  dead_.push_back(c.id());
  // Its output (and listing in progress) no longer counts: nothing more is queued or flushed
  // for a dead connection, and it is never counted again when it is destroyed.
  total_output_ -= std::min(total_output_, c.pending_output());
  if (auto job = jobs_.find(c.id()); job != jobs_.end())
    total_output_ -= std::min(total_output_, job->second.lines.size());
  if (log) log_line(c.label() + " closed: " + why);
  // Its user leaves in reap_dead(), not here: drop() runs inside send(), which runs inside loops
  // over the registry and the pending requests that unregister() changes.
}

void Broker::reap_dead() {
  size_t done = 0;
  do {
    // Unregistering broadcasts LEAVE, and flushing or the output budget can drop more: dead_
    // grows while this runs, and each round takes the newcomers.
    for (; done < dead_.size(); ++done) {
      auto it = conns_.find(dead_[done]);
      if (it != conns_.end()) unregister(*it->second);
    }
    push_presence();
    flush_dirty();
    enforce_output_budget();
  } while (done < dead_.size());
  for (uint64_t id : dead_) destroy(id);
  dead_.clear();
}

void Broker::unregister(Connection& c) {
  if (c.user.empty()) return;
  std::string user = c.user;
  if (const User* u = registry_.find(user); u != nullptr) {
    files_held_ -= u->file_count;
    // Seen until now: the binding's expiry counts from the last time its user was here.
    if (u->key_verified) names_.touch(user, static_cast<int64_t>(std::time(nullptr)));
  }
  files_held_ -= c.announce_reserved;  // an announcement cut short
  c.announce_reserved = 0;
  registry_.remove(user);
  c.user.clear();
  forget_user(user);
  // A user leaving for the session the broker just relayed is away, not gone (server/busy.h).
  if (std::optional<std::string> partner = busy_.left(user, Clock::now())) {
    log_line(user + " left for a chat session with " + *partner);
    presence_.busy(user, *partner);
    return;
  }
  presence_.leave(user);
}

void Broker::destroy(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  poller_.remove(it->second->fd());
  conns_.erase(it);    // closes the socket (its output was uncounted when it was dropped)
  jobs_.erase(id);     // its job_order_ entry is skipped
  resume_accepting();  // a descriptor is free again
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
      size_t before = c.pending_output();
      bool ok = c.flush();
      // Sealing adds a little (18 bytes a message) to what it writes.
      size_t after = c.pending_output();
      if (after >= before) {
        total_output_ += after - before;
      } else {
        total_output_ -= std::min(total_output_, before - after);
      }
      if (!ok) {
        drop(c, std::string("write error: ") + std::strerror(errno));
        continue;
      }
      if (c.resync && c.sent_total() >= c.resync_end) c.resync = false;  // it has the RESYNC
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
  if (accept_paused_ && accept_resume_at_ <= now) resume_accepting();
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
    error(c, wire::err::kTimedOut, "registration timed out", "<idle>");
    close_after_reply(c);
  }
  for (uint64_t id : pending_.expired_chats(now)) expire_chat(id);
  for (uint64_t id : pending_.expired_offers(now)) expire_offer(id);
  for (const std::string& user : busy_.expire(now)) {
    log_line(user + " did not come back from its chat session");
    presence_.leave(user);
  }
  save_names_if_due(now);
}

bool Broker::binding_expired(const NameKeys::Binding& b, int64_t now) const {
  const int64_t expiry = int64_t{opt_.name_expiry_days} * 86400;
  return now > b.last_seen && now - b.last_seen >= expiry;
}

int Broker::next_timeout_ms() const {
  if (!jobs_.empty() || !deferred_.empty() || registry_.garbage() > 0) {
    return 0;  // work to go on with: do not sleep
  }
  auto next = std::min(pending_.next_deadline(), busy_.next_deadline());
  if (!presence_.empty()) next = std::min(next, presence_due_);
  if (!register_timers_.empty()) next = std::min(next, register_timers_.front().first);
  if (accept_paused_) next = std::min(next, accept_resume_at_);
  if (names_.dirty()) next = std::min(next, names_save_at_);
  if (next == Clock::time_point::max()) return -1;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60000));
}

void Broker::shutdown_all() {
  const std::string bye = LineWriter(wire::kEvent).word(wire::event::kShutdown).str();
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
  log_line(text);
}

}  // namespace peerlink::broker

namespace peerlink::broker {

// Much of what is logged came from the network (request text, names): printable() turns control
// bytes, C1 controls and invalid UTF-8 into '?', so nothing reaches server.log or the terminal
// showing it as an escape sequence, a carriage return or a forged line.
void Broker::log_line(std::string_view text) { log_.line(printable(text)); }

}  // namespace peerlink::broker
