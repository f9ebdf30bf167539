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
                                 FetchTarget* target, FetchCounters* counters)
    : source_(source),
      requester_(requester),
      identity_(identity),
      queue_(queue),
      target_(target),
      counters_(counters) {}

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
  buffer_.resize(4 + kMaxServeDataBytes);
  std::deque<Pending> pipeline;
  uint32_t next_id = 1;
  Outcome outcome;
  for (;;) {
    size_t block = 0;
    while (pipeline.size() < kPipelineDepth &&
           queue_->take(&block, /*wait=*/false) == FetchQueue::Next::kBlock) {
      pipeline.push_back({block, next_id++});
      if (Result sent = send_get(pipeline.back()); !sent) {
        outcome = {End::kSourceFailed, sent};
        break;
      }
    }
    if (outcome.end != End::kFinished) break;
    if (pipeline.empty()) {
      // Nothing to take now, but blocks in flight elsewhere may come back. Waiting connected
      // would hold one of the server's slots and could run into its idle timeout, so wait
      // disconnected and come back if there is work.
      disconnect();
      if (queue_->take(&block, /*wait=*/true) != FetchQueue::Next::kBlock) break;
      pipeline.push_back({block, next_id++});
      Result sent = connect();
      if (sent) sent = send_get(pipeline.back());
      if (!sent) {
        outcome = {End::kSourceFailed, sent};
        break;
      }
      continue;
    }
    partial_ = 0;
    if (Outcome received = receive_block(pipeline.front()); received.end != End::kFinished) {
      counters_->written.fetch_sub(partial_);
      outcome = received;
      break;
    }
    block = pipeline.front().block;
    pipeline.pop_front();
    bytes_ += queue_->block_length(block);
    // The state is written only now, after every byte of the block is: a crash at any point
    // never leaves unwritten data marked done.
    if (Result saved = target_->save(queue_->complete(block)); !saved) {
      outcome = {End::kFatal, saved};
      break;
    }
  }
  for (const Pending& p : pipeline) queue_->give_back(p.block);
  if (queue_->stopped() && outcome.end == End::kSourceFailed) outcome = {};  // cut by stop()
  disconnect();
  return outcome;
}

Result FetchConnection::send_get(const Pending& p) {
  GetRequest g;
  g.id = p.id;
  g.offset = queue_->block_offset(p.block);
  g.length = queue_->block_length(p.block);
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

FetchConnection::Outcome FetchConnection::receive_block(const Pending& p) {
  const auto source_failed = [](Result why) { return Outcome{End::kSourceFailed, std::move(why)}; };
  const uint64_t offset = queue_->block_offset(p.block);
  const uint64_t length = queue_->block_length(p.block);
  Expected<Header> header = read_header();
  if (!header) return source_failed(header.result());
  if (header->type == wire::kError) return source_failed(read_error(header->length));
  RangeReply range;
  const uint32_t len = header->length;
  if (header->type != wire::kRange || len != kRangeReplyBytes ||
      !channel_->recv_exact(buffer_.data(), len).ok() ||
      !decode_range_reply(std::string_view(buffer_.data(), len), &range) || range.id != p.id) {
    return source_failed(Result::failure("protocol error: bad RANGE"));
  }
  if (range.file_size != source_.size) {
    return source_failed(
        Result::failure("the owner's file is now " + std::to_string(range.file_size) + " bytes"));
  }
  if (range.offset != offset || range.length != length)
    return source_failed(Result::failure("protocol error: RANGE for other bytes"));

  uint64_t pos = offset;
  uint64_t left = length;
  while (left > 0) {
    header = read_header();
    if (!header) return source_failed(header.result());
    if (header->type == wire::kError) return source_failed(read_error(header->length));
    const uint32_t data_len = header->length;
    if (header->type != wire::kData || data_len <= 4 || data_len - 4 > left)
      return source_failed(Result::failure("protocol error: bad DATA"));
    if (const Result r = channel_->recv_exact(buffer_.data(), data_len); !r)
      return source_failed(io_failure(r));
    uint32_t id = 0;
    decode_serve_id(std::string_view(buffer_.data(), 4), &id);
    if (id != p.id)
      return source_failed(Result::failure("protocol error: DATA for another request"));
    const uint32_t n = data_len - 4;
    if (Result written = target_->write(pos, buffer_.data() + 4, n); !written)
      return {End::kFatal, written};
    pos += n;
    left -= n;
    partial_ += n;
    counters_->received.fetch_add(n);
    counters_->written.fetch_add(n);
  }

  header = read_header();
  if (!header) return source_failed(header.result());
  uint32_t id = 0;
  if (header->type != wire::kDone || header->length != 4 ||
      !channel_->recv_exact(buffer_.data(), 4).ok() ||
      !decode_serve_id(std::string_view(buffer_.data(), 4), &id) || id != p.id) {
    return source_failed(Result::failure("protocol error: bad DONE"));
  }
  return {};
}

}  // namespace peerlink::peer_client
