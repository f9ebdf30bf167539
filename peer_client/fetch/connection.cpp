// One source of a download: a connection pulling blocks from the shared queue.
#include "peer_client/fetch/connection.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <deque>

#include "common/base/bytes.h"
#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"

namespace peerlink::peer_client {
namespace {

constexpr int kConnectTimeoutMs = 5000;
// The whole handshake, from the first message sent to the last.
constexpr int kHandshakeTimeoutMs = 10'000;
// A source that sends nothing for this long is given up on, and its blocks go to the others.
constexpr int kStallTimeoutMs = 30'000;
// GETs kept in flight per connection: two hide the round trip between blocks.
constexpr size_t kPipelineDepth = 2;
// An ERROR reason longer than this is cut: it is only shown to the user.
constexpr uint32_t kMaxErrorText = 1024;

// A socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) fails with EAGAIN: it is reported as timed out.
Result io_failure(const Result& r) {
  if (r.status() == Status::kError && (r.error() == EAGAIN || r.error() == EWOULDBLOCK))
    return Result::timed_out();
  return r;
}

}  // namespace

FetchConnection::FetchConnection(const FetchSource& source, const std::string& requester,
                                 const X25519KeyPair& identity, FetchQueue* queue,
                                 FetchTarget* target, FetchCounters* counters, HashFeed* feed,
                                 int taker)
    : source_(source),
      requester_(requester),
      identity_(identity),
      queue_(queue),
      target_(target),
      counters_(counters),
      feed_(feed),
      taker_(taker) {}

Result FetchConnection::connect() {
  Expected<UniqueFd> conn = connect_tcp(source_.ip, source_.port, kConnectTimeoutMs);
  if (!conn.ok()) return conn.result();
  socket_ = std::move(*conn);
  set_io_timeouts(socket_.get(), kStallTimeoutMs);
  queue_->add_socket(socket_.get());
  counters_->active.fetch_add(1);

  NoiseChannel::Setup setup;
  setup.role = NoiseRole::kInitiator;
  setup.prologue = kPrologueServe;
  setup.local_static = &identity_;
  setup.timeout_ms = kHandshakeTimeoutMs;
  // Checked as soon as the server's message 2 is in: an impostor never learns who asks.
  setup.check = [this](const X25519Key& remote) {
    if (to_hex(remote.data(), remote.size()) == source_.key) return Result();
    return Result::failure(
        source_.owner + "'s file server presented a key the broker did not vouch for", EACCES);
  };
  Expected<std::unique_ptr<NoiseChannel>> channel = NoiseChannel::handshake(socket_.get(), setup);
  if (!channel) {
    // A server that sheds connections closes them before the handshake is through.
    if (channel.error() == ECONNRESET) return Result::closed();
    return io_failure(channel.result());
  }
  channel_ = std::move(*channel);
  return {};
}

void FetchConnection::disconnect() {
  if (!socket_) return;
  channel_.reset();
  counters_->active.fetch_sub(1);
  queue_->remove_socket(socket_.get());  // before the close, so stop() never sees a reused fd
  socket_.reset();
}

FetchConnection::Outcome FetchConnection::run() {
  if (Result connected = connect(); !connected) return {End::kSourceFailed, connected};
  std::deque<Pending> pipeline;
  uint32_t next_id = 1;
  Outcome outcome;
  for (;;) {
    FetchUnit unit;
    while (pipeline.size() < kPipelineDepth &&
           queue_->take(taker_, &unit, /*wait=*/false) == FetchQueue::Next::kUnit) {
      pipeline.push_back({unit, next_id++});
      if (Result sent = send_get(pipeline.back()); !sent) {
        outcome = {End::kSourceFailed, sent};
        break;
      }
    }
    if (outcome.end != End::kFinished) break;
    if (pipeline.empty()) {
      // Nothing to take now, but units in flight elsewhere may come back. Waiting connected
      // would hold one of the server's slots and could run into its idle timeout, so wait
      // disconnected and come back if there is work.
      disconnect();
      if (queue_->take(taker_, &unit, /*wait=*/true) != FetchQueue::Next::kUnit) break;
      pipeline.push_back({unit, next_id++});
      Result sent = connect();
      if (sent) sent = send_get(pipeline.back());
      if (!sent) {
        outcome = {End::kSourceFailed, sent};
        break;
      }
      continue;
    }
    if (Outcome received = receive_unit(pipeline.front()); received.end != End::kFinished) {
      outcome = received;
      break;
    }
    if (Outcome stored = store_unit(pipeline.front()); stored.end != End::kFinished) {
      outcome = stored;
      break;
    }
    pipeline.pop_front();
  }
  for (const Pending& p : pipeline) queue_->give_back(taker_, p.unit);
  // Cut by stop(), or by the end of the download (a duplicate another source won).
  if ((queue_->stopped() || queue_->finished()) && outcome.end == End::kSourceFailed) outcome = {};
  disconnect();
  return outcome;
}

FetchConnection::Outcome FetchConnection::store_unit(const Pending& p) {
  const FetchUnit& u = p.unit;
  if (!queue_->claim(taker_, u)) return {};  // another source's copy won: drop this one
  const auto length = static_cast<size_t>(u.length);
  if (Result written = target_->write(u.offset, buffer_.data(), length); !written) {
    queue_->give_back(taker_, u);
    return {End::kFatal, written};
  }
  // Before the block counts as done, so that the hasher finds the bytes when it gets there.
  if (feed_ != nullptr && u.whole) feed_->offer(u.block, &buffer_);
  bytes_ += u.length;
  counters_->written.fetch_add(u.length);
  if (queue_->written(u)) {
    // The state is written only after every byte of the blocks it marks is: a crash at any point
    // never leaves unwritten data marked done. At most a few times a second (FetchTarget).
    if (target_->save_due()) {
      if (Result saved = target_->save(queue_->snapshot()); !saved) return {End::kFatal, saved};
    }
  }
  return {};
}

Result FetchConnection::send_get(const Pending& p) {
  GetRequest g;
  g.id = p.id;
  g.offset = p.unit.offset;
  g.length = p.unit.length;
  g.requester = requester_;
  g.file = source_.file;
  g.ticket = source_.ticket;
  return io_failure(channel_->send(encode_frame(wire::kGet, encode_get_request(g))));
}

Expected<FetchConnection::Header> FetchConnection::read_header() {
  unsigned char h[wire::kFrameHeaderBytes];
  if (const Result r = channel_->recv_exact(h, sizeof h); !r) return io_failure(r);
  Header header{h[0], get_u32(h + 1)};
  if (header.length > wire::kMaxFramePayload)
    return Result::failure("protocol error: oversize frame");
  return header;
}

Result FetchConnection::read_error(uint32_t length) {
  std::string reason(length < kMaxErrorText ? length : kMaxErrorText, '\0');
  if (!channel_->recv_exact(reason.data(), reason.size()).ok()) reason = "(reason lost)";
  return Result::failure("refused: " + printable(reason));
}

FetchConnection::Outcome FetchConnection::receive_unit(const Pending& p) {
  const auto source_failed = [](Result why) { return Outcome{End::kSourceFailed, std::move(why)}; };
  const uint64_t offset = p.unit.offset;
  const uint64_t length = p.unit.length;
  Expected<Header> header = read_header();
  if (!header) return source_failed(header.result());
  if (header->type == wire::kError) return source_failed(read_error(header->length));
  RangeReply range;
  const uint32_t len = header->length;
  char reply[kRangeReplyBytes];
  if (header->type != wire::kRange || len != kRangeReplyBytes ||
      !channel_->recv_exact(reply, len).ok() ||
      !decode_range_reply(std::string_view(reply, len), &range) || range.id != p.id) {
    return source_failed(Result::failure("protocol error: bad RANGE"));
  }
  if (range.file_size != source_.size) {
    return source_failed(
        Result::failure("the owner's file is now " + std::to_string(range.file_size) + " bytes"));
  }
  if (range.offset != offset || range.length != length)
    return source_failed(Result::failure("protocol error: RANGE for other bytes"));

  // The unit's bytes go straight into buffer_, each DATA frame's id into `id_bytes`.
  if (buffer_.size() < length) buffer_.resize(static_cast<size_t>(length));
  uint64_t got = 0;
  while (got < length) {
    header = read_header();
    if (!header) return source_failed(header.result());
    if (header->type == wire::kError) return source_failed(read_error(header->length));
    const uint32_t data_len = header->length;
    if (header->type != wire::kData || data_len <= 4 || data_len - 4 > length - got)
      return source_failed(Result::failure("protocol error: bad DATA"));
    char id_bytes[4];
    uint32_t id = 0;
    if (const Result r = channel_->recv_exact(id_bytes, 4); !r) return source_failed(io_failure(r));
    decode_serve_id(std::string_view(id_bytes, 4), &id);
    if (id != p.id)
      return source_failed(Result::failure("protocol error: DATA for another request"));
    const uint32_t n = data_len - 4;
    if (const Result r = channel_->recv_exact(buffer_.data() + got, n); !r)
      return source_failed(io_failure(r));
    got += n;
    counters_->received.fetch_add(n);
  }

  header = read_header();
  if (!header) return source_failed(header.result());
  uint32_t id = 0;
  char done[4];
  if (header->type != wire::kDone || header->length != 4 || !channel_->recv_exact(done, 4).ok() ||
      !decode_serve_id(std::string_view(done, 4), &id) || id != p.id) {
    return source_failed(Result::failure("protocol error: bad DONE"));
  }
  return {};
}

}  // namespace peerlink::peer_client
