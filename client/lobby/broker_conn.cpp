// The lobby's connection to the broker.
#include "client/lobby/broker_conn.h"

#include <cerrno>
#include <chrono>

#include "common/base/io.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/wire.h"

namespace peerlink::lobby {
namespace {

constexpr int kConnectTimeoutMs = 5000;
constexpr int kHelloTimeoutMs = 5000;

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Errors after which "is _s running?" is the likely question.
bool broker_probably_down(int err) {
  return err == ECONNREFUSED || err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH ||
         err == ECONNRESET;
}

}  // namespace

BrokerConn::OpenResult BrokerConn::open(const std::string& host, uint16_t port,
                                        const X25519KeyPair& identity) {
  close();
  messages_.clear();  // events of an earlier connection refer to ids that no longer exist
  OpenResult result;
  where_ = host_port(host, port);
  Expected<UniqueFd> s = connect_tcp(host, port, kConnectTimeoutMs);
  if (!s.ok()) {
    std::string error = s.message();
    // A name that does not resolve is a typo, not a broker that is down.
    bool resolved = s.message().rfind("cannot resolve", 0) != 0;
    if (resolved && broker_probably_down(s.error())) error += " — is _s running?";
    result.result = Result::failure(std::move(error), s.error());
    return result;
  }
  fd_ = std::move(*s);
  if (!security_.plaintext) {
    bool key_refused = false;
    if (Result h = handshake(identity, &key_refused); !h) {
      close();
      result.fatal = key_refused;
      result.result = key_refused
                          ? std::move(h)
                          : h.with_context("no encrypted connection with the broker at " + where_);
      return result;
    }
  }

  std::string hello =
      LineWriter(wire::request::kHello)
          .word(std::to_string(wire::kProtocolMajor) + "." + std::to_string(wire::kProtocolMinor))
          .str();
  Expected<Reply> r = request(hello, kHelloTimeoutMs);
  if (!r.ok()) {
    result.result =
        r.result().with_context("the server at " + where_ + " did not answer the hello");
    return result;
  }
  if (is_ok(r->head, wire::reply::kHello)) return result;
  close();
  result.fatal = true;
  if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kBadVersion) {
    result.result =
        Result::failure("the broker at " + where_ +
                        " speaks another protocol version: " + printable(r->head.reason));
  } else if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kForbidden) {
    result.result = Result::failure("the broker at " + where_ +
                                    " refused the hello: " + printable(r->head.reason) +
                                    " (it takes encrypted connections only: run _c without "
                                    "--plaintext)");
  } else if (r->head.kind == BrokerMessage::Kind::kErr) {
    result.result = Result::failure("the broker at " + where_ +
                                    " refused the hello: " + printable(r->head.reason));
  } else {
    result.result = Result::failure("the server at " + where_ + " is not a peerlink broker");
  }
  return result;
}

Result BrokerConn::handshake(const X25519KeyPair& identity, bool* key_refused) {
  *key_refused = false;
  NoiseChannel::Setup setup;
  setup.role = NoiseRole::kInitiator;
  setup.prologue = kPrologueBroker;
  setup.local_static = &identity;
  setup.timeout_ms = kHelloTimeoutMs;
  // Fails closed: an encrypted link without a pin check would trust any broker's key.
  if (!security_.check_key) {
    return Result::failure("no check of the broker's key was set up (a bug): not connecting",
                           EINVAL);
  }
  // A copy of the check, not `this`: a BrokerConn is moved around (into the BrokerLink).
  setup.check = [check = security_.check_key, key_refused](const X25519Key& key) {
    Result r = check(key);
    *key_refused = !r.ok();
    return r;
  };
  Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(fd_.get(), setup);
  if (!channel.ok()) return channel.result();
  channel_ = std::move(*channel);
  // Plaintext that came with the last handshake message (none, as the broker speaks second).
  while (channel_->buffered() > 0) {
    char buf[4096];
    size_t got = 0;
    if (Result r = channel_->recv_some(buf, sizeof buf, &got); !r) return r;
    in_.append(buf, got);
  }
  return {};
}

Result BrokerConn::send_bytes(const std::string& bytes) {
  if (channel_) return channel_->send(bytes);
  return send_all(fd_.get(), bytes);
}

void BrokerConn::close() {
  // Queued events stay readable after a loss (the lobby may report them); open() drops them.
  channel_.reset();  // it borrows the socket
  fd_.reset();
  in_ = LineBuffer(kMaxLine);
  replies_.clear();
  in_request_ = false;
}

Result BrokerConn::fail(Result why) {
  close();
  return why;
}

Result BrokerConn::drain_lines() {
  std::string line;
  for (;;) {
    LineBuffer::Result r = in_.next(&line);
    if (r == LineBuffer::Result::kNeedMore) return {};
    if (r == LineBuffer::Result::kTooLong) {
      return fail(Result::failure("the broker sent an over-long line"));
    }
    BrokerMessage m;
    // An undecodable line is skipped: one bad field should not cost the whole connection.
    if (!parse_broker_message(line, &m)) continue;
    if (m.is_event() || !in_request_) {
      messages_.push_back(std::move(m));
    } else {
      replies_.push_back(std::move(m));
    }
  }
}

Result BrokerConn::read_available() {
  if (!fd_.valid()) return Result::failure("not connected");
  Result r;
  if (channel_) {
    std::string plain;
    r = channel_->receive(&plain);
    if (r.ok()) in_.append(plain.data(), plain.size());
  } else {
    char buf[16384];
    size_t got = 0;
    r = recv_some(fd_.get(), buf, sizeof buf, &got);
    if (r.ok()) in_.append(buf, got);
  }
  if (r.status() == Status::kClosed) {
    return fail(Result::failure("the broker closed the connection"));
  }
  if (!r.ok()) return fail(std::move(r));
  return drain_lines();
}

Expected<BrokerMessage> BrokerConn::wait_reply_line(long long deadline_ms) {
  while (replies_.empty()) {
    long long left = deadline_ms - now_ms();
    if (left <= 0) return fail(Result::failure("the broker did not answer in time"));
    Result w = wait_readable(fd_.get(), static_cast<int>(left));
    if (w.status() == Status::kTimeout) continue;
    if (!w.ok()) return fail(std::move(w));
    if (Result r = read_available(); !r.ok()) return r;
  }
  BrokerMessage out = std::move(replies_.front());
  replies_.pop_front();
  return out;
}

Expected<BrokerConn::Reply> BrokerConn::request(const std::string& line, int timeout_ms,
                                                std::string_view body_word) {
  if (!fd_.valid()) return Result::failure("not connected");
  long long deadline = now_ms() + timeout_ms;
  if (Result w = send_bytes(line); !w.ok()) return fail(std::move(w));
  in_request_ = true;
  Expected<BrokerMessage> head = wait_reply_line(deadline);
  if (!head.ok()) return head.result();
  Reply reply;
  reply.head = std::move(*head);
  size_t count = 0;
  if (!body_word.empty() && multi_line_count(reply.head, body_word, 1u << 20, &count)) {
    reply.body.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      Expected<BrokerMessage> m = wait_reply_line(deadline);
      if (!m.ok()) return m.result();
      reply.body.push_back(std::move(*m));
    }
  }
  in_request_ = false;
  return reply;
}

void BrokerConn::bye(int timeout_ms) {
  if (!fd_.valid()) return;
  // Best effort: we are leaving either way.
  (void)request(LineWriter(wire::request::kBye).str(), timeout_ms);
  messages_.clear();
  close();
}

}  // namespace peerlink::lobby
