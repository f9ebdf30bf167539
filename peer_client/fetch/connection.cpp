// One source of a download: a connection pulling blocks from the shared queue.
#include "peer_client/fetch/connection.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <deque>

#include "common/base/bytes.h"
#include "common/base/fd.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/fetch_frames.h"
#include "common/wire/frame.h"

namespace peerlink::peer_client {
namespace {

constexpr int kConnectTimeoutMs = 5000;
// A source that sends nothing for this long is given up on, and its blocks go to the others.
constexpr int kStallTimeoutMs = 30'000;
// GETs kept in flight per connection: two hide the round trip between blocks.
constexpr size_t kPipelineDepth = 2;
// An ERROR reason longer than this is cut: it is only shown to the user.
constexpr uint32_t kMaxErrorText = 1024;

std::string io_failure(const Result& r) {
  if (r.status() == Status::kError && (r.error() == EAGAIN || r.error() == EWOULDBLOCK))
    return "timed out";
  return r.message();
}

}  // namespace

FetchConnection::FetchConnection(const FetchSource& source, const std::string& requester,
                                 FetchQueue* queue, FetchTarget* target, FetchCounters* counters)
    : source_(source), requester_(requester), queue_(queue), target_(target), counters_(counters) {}

bool FetchConnection::connect(std::string* failure) {
  Expected<UniqueFd> conn = connect_tcp(source_.ip, source_.port, kConnectTimeoutMs);
  if (!conn.ok()) {
    *failure = conn.message();
    return false;
  }
  socket_ = std::move(*conn);
  set_io_timeouts(socket_.get(), kStallTimeoutMs);
  queue_->add_socket(socket_.get());
  counters_->active.fetch_add(1);
  return true;
}

void FetchConnection::disconnect() {
  if (!socket_) return;
  counters_->active.fetch_sub(1);
  queue_->remove_socket(socket_.get());  // before the close, so stop() never sees a reused fd
  socket_.reset();
}

FetchConnection::End FetchConnection::run(std::string* failure) {
  if (!connect(failure)) return End::kSourceFailed;
  buffer_.resize(4 + kMaxServeDataBytes);
  std::deque<Pending> pipeline;
  uint32_t next_id = 1;
  End end = End::kFinished;
  for (;;) {
    size_t block = 0;
    while (pipeline.size() < kPipelineDepth &&
           queue_->take(&block, /*wait=*/false) == FetchQueue::Next::kBlock) {
      pipeline.push_back({block, next_id++});
      if (!send_get(pipeline.back(), failure)) {
        end = End::kSourceFailed;
        break;
      }
    }
    if (end != End::kFinished) break;
    if (pipeline.empty()) {
      // Nothing to take now, but blocks in flight elsewhere may come back. Waiting connected
      // would hold one of the server's slots and could run into its idle timeout, so wait
      // disconnected and come back if there is work.
      disconnect();
      if (queue_->take(&block, /*wait=*/true) != FetchQueue::Next::kBlock) break;
      pipeline.push_back({block, next_id++});
      if (!connect(failure) || !send_get(pipeline.back(), failure)) {
        end = End::kSourceFailed;
        break;
      }
      continue;
    }
    bool fatal = false;
    partial_ = 0;
    if (!receive_block(pipeline.front(), &fatal, failure)) {
      counters_->written.fetch_sub(partial_);
      end = fatal ? End::kFatal : End::kSourceFailed;
      break;
    }
    block = pipeline.front().block;
    pipeline.pop_front();
    bytes_ += queue_->block_length(block);
    // The state is written only now, after every byte of the block is: a crash at any point
    // never leaves unwritten data marked done.
    if (const Result saved = target_->save(queue_->complete(block)); !saved) {
      *failure = saved.message();
      end = End::kFatal;
      break;
    }
  }
  for (const Pending& p : pipeline) queue_->give_back(p.block);
  if (queue_->stopped() && end == End::kSourceFailed) end = End::kFinished;  // cut by stop()
  disconnect();
  return end;
}

bool FetchConnection::send_get(const Pending& p, std::string* failure) {
  GetRequest g;
  g.id = p.id;
  g.offset = queue_->block_offset(p.block);
  g.length = queue_->block_length(p.block);
  g.requester = requester_;
  g.file = source_.file;
  g.ticket = source_.ticket;
  const Result r = write_frame(socket_.get(), wire::kGet, encode_get_request(g));
  if (!r.ok()) *failure = io_failure(r);
  return r.ok();
}

bool FetchConnection::read_header(uint8_t* type, uint32_t* length, std::string* failure) {
  unsigned char h[wire::kFrameHeaderBytes];
  const Result r = recv_exact(socket_.get(), h, sizeof h);
  if (!r.ok()) {
    *failure = io_failure(r);
    return false;
  }
  *type = h[0];
  *length = get_u32(h + 1);
  if (*length > wire::kMaxFramePayload) {
    *failure = "protocol error: oversize frame";
    return false;
  }
  return true;
}

void FetchConnection::read_error(uint32_t length, std::string* failure) {
  std::string reason(length < kMaxErrorText ? length : kMaxErrorText, '\0');
  if (!recv_exact(socket_.get(), reason.data(), reason.size()).ok()) reason = "(reason lost)";
  *failure = "refused: " + printable(reason);
}

bool FetchConnection::receive_block(const Pending& p, bool* fatal, std::string* failure) {
  const uint64_t offset = queue_->block_offset(p.block);
  const uint64_t length = queue_->block_length(p.block);
  uint8_t type = 0;
  uint32_t len = 0;
  if (!read_header(&type, &len, failure)) return false;
  if (type == wire::kError) {
    read_error(len, failure);
    return false;
  }
  RangeReply range;
  if (type != wire::kRange || len != kRangeReplyBytes ||
      !recv_exact(socket_.get(), buffer_.data(), len).ok() ||
      !decode_range_reply(std::string_view(buffer_.data(), len), &range) || range.id != p.id) {
    *failure = "protocol error: bad RANGE";
    return false;
  }
  if (range.file_size != source_.size) {
    *failure = "the owner's file is now " + std::to_string(range.file_size) + " bytes";
    return false;
  }
  if (range.offset != offset || range.length != length) {
    *failure = "protocol error: RANGE for other bytes";
    return false;
  }

  uint64_t pos = offset;
  uint64_t left = length;
  while (left > 0) {
    if (!read_header(&type, &len, failure)) return false;
    if (type == wire::kError) {
      read_error(len, failure);
      return false;
    }
    if (type != wire::kData || len <= 4 || len - 4 > left) {
      *failure = "protocol error: bad DATA";
      return false;
    }
    const Result r = recv_exact(socket_.get(), buffer_.data(), len);
    if (!r.ok()) {
      *failure = io_failure(r);
      return false;
    }
    uint32_t id = 0;
    decode_serve_id(std::string_view(buffer_.data(), 4), &id);
    if (id != p.id) {
      *failure = "protocol error: DATA for another request";
      return false;
    }
    const uint32_t n = len - 4;
    if (const Result written = target_->write(pos, buffer_.data() + 4, n); !written) {
      *failure = written.message();
      *fatal = true;
      return false;
    }
    pos += n;
    left -= n;
    partial_ += n;
    counters_->received.fetch_add(n);
    counters_->written.fetch_add(n);
  }

  if (!read_header(&type, &len, failure)) return false;
  uint32_t id = 0;
  if (type != wire::kDone || len != 4 || !recv_exact(socket_.get(), buffer_.data(), 4).ok() ||
      !decode_serve_id(std::string_view(buffer_.data(), 4), &id) || id != p.id) {
    *failure = "protocol error: bad DONE";
    return false;
  }
  return true;
}

}  // namespace peerlink::peer_client
