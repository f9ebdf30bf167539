// The one thread that writes a session's socket: queued control frames first, then file data.
#include "common/session/sender.h"

#include <sys/socket.h>

#include <algorithm>
#include <vector>

#include "common/fs/names.h"
#include "common/wire/frame.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"

namespace peerlink {

SessionSender::SessionSender(NoiseChannel* channel, Console* console, std::string peer,
                             uint32_t first_id)
    : channel_(channel),
      console_(console),
      peer_(std::move(peer)),
      first_id_(first_id),
      next_id_(first_id) {}

SessionSender::~SessionSender() { stop(); }

void SessionSender::start(std::function<void(const std::string&)> on_write_error) {
  on_write_error_ = std::move(on_write_error);
  thread_ = std::thread([this] { run(); });
}

bool SessionSender::queue(uint8_t type, std::string payload) {
  std::string frame = encode_frame(type, payload);
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_ || control_bytes_ + frame.size() > kMaxQueuedBytes) return false;
  control_bytes_ += frame.size();
  control_.push_back(std::move(frame));
  cv_.notify_all();
  return true;
}

void SessionSender::queue_final(uint8_t type, std::string payload) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return;
  closing_ = true;
  final_ = encode_frame(type, payload);
  cv_.notify_all();
}

void SessionSender::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) {
    // The writer may be blocked in send() on a peer that stopped reading; this makes it fail.
    ::shutdown(channel_->fd(), SHUT_RDWR);
    thread_.join();
  }
  std::unique_lock<std::mutex> lock(mu_);
  for (auto& [id, t] : outgoing_) retire_reader_locked(t);
  destroy_retired(&lock);
}

void SessionSender::retire_reader_locked(const std::shared_ptr<Outgoing>& t) {
  if (t->reader) retired_.push_back(Retired{t, std::move(t->reader)});
}

void SessionSender::destroy_retired(std::unique_lock<std::mutex>* lock) {
  while (!retired_.empty()) {
    std::vector<Retired> gone;
    gone.swap(retired_);
    lock->unlock();
    gone.clear();  // joins each reader's thread, which may be waiting to take mu_ in wake_writer
    lock->lock();
  }
}

void SessionSender::wake_writer() {
  { std::lock_guard<std::mutex> lock(mu_); }  // the writer is waiting, or will see the news
  cv_.notify_all();
}

uint32_t SessionSender::offer(std::unique_ptr<SourceFile> source) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return 0;
  auto t = std::make_shared<Outgoing>();
  t->id = next_id_;
  next_id_ += 2;
  t->shown = printable(source->name());
  Offer offer;
  offer.id = t->id;
  offer.size = source->size();
  offer.sha256 = source->sha256();
  offer.name = source->name();
  t->source = std::move(source);
  std::string frame = encode_frame(wire::kOffer, encode_offer(offer));
  control_bytes_ += frame.size();
  control_.push_back(std::move(frame));
  outgoing_[t->id] = t;
  cv_.notify_all();
  return t->id;
}

size_t SessionSender::open_offers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outgoing_.size();
}

bool SessionSender::ours_locked(uint32_t id) const {
  // Our ids share first_id_'s parity and are below next_id_ (wrap-around after 2^31 offers in
  // one session is not a concern).
  return id >= first_id_ && id < next_id_ && (id - first_id_) % 2 == 0;
}

SessionSender::Match SessionSender::on_accept(uint32_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = outgoing_.find(id);
  if (it == outgoing_.end()) return ours_locked(id) ? Match::kStale : Match::kUnknown;
  Outgoing& t = *it->second;
  if (t.accepted) return Match::kUnknown;  // a second ACCEPT is as wrong as a made-up one
  t.accepted = true;
  console_->line(t.shown + ": " + peer_ + " accepted, sending");
  t.progress = std::make_unique<TransferProgress>(console_, id, t.shown, t.source->size());
  t.progress->update(0);
  // With the digest in the OFFER (the shared folder's cache) there is nothing to hash.
  t.reader = std::make_unique<ChunkReader>(t.source.get(), !t.source->digest_known(),
                                           [this] { wake_writer(); });
  cv_.notify_all();
  return Match::kDone;
}

SessionSender::Match SessionSender::on_decline(uint32_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = outgoing_.find(id);
  if (it == outgoing_.end()) return ours_locked(id) ? Match::kStale : Match::kUnknown;
  if (it->second->accepted) return Match::kUnknown;  // too late to decline: that is CANCEL's job
  console_->line(it->second->shown + ": declined");
  outgoing_.erase(it);
  return Match::kDone;
}

SessionSender::Match SessionSender::on_cancel(uint32_t id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string why = peer_ + " cancelled";
  if (!reason.empty()) why += " (" + printable(reason) + ")";
  auto it = outgoing_.find(id);
  if (it != outgoing_.end()) {
    fail_locked(it->second, why, "");
    return Match::kDone;
  }
  auto done = finished_.find(id);
  if (done != finished_.end()) {
    console_->line(done->second + ": transfer failed: " + why, Console::Tone::kError);
    finished_.erase(done);
    return Match::kDone;
  }
  return ours_locked(id) ? Match::kStale : Match::kUnknown;
}

void SessionSender::fail_all(const std::string& reason) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!outgoing_.empty()) fail_locked(outgoing_.begin()->second, reason, "");
  if (!thread_.joinable()) destroy_retired(&lock);  // otherwise the writer does
}

void SessionSender::fail_locked(const std::shared_ptr<Outgoing>& t, const std::string& reason,
                                const std::string& peer_reason) {
  const std::shared_ptr<Outgoing> keep = t;  // `t` may refer to the map entry erased below
  const uint32_t id = keep->id;
  keep->progress.reset();  // clear the bar before the line that replaces it
  console_->line(keep->shown + ": transfer failed: " + reason, Console::Tone::kError);
  if (!peer_reason.empty() && !closing_) {
    std::string frame = encode_frame(wire::kCancel, encode_cancel(id, peer_reason));
    control_bytes_ += frame.size();
    control_.push_back(std::move(frame));
  }
  retire_reader_locked(keep);
  outgoing_.erase(id);
}

std::shared_ptr<SessionSender::Outgoing> SessionSender::next_to_stream_locked() {
  if (closing_) return nullptr;
  // Round robin: the first accepted transfer after the one served last, wrapping around.
  for (int pass = 0; pass < 2; ++pass) {
    auto it = pass == 0 ? outgoing_.upper_bound(last_streamed_) : outgoing_.begin();
    for (; it != outgoing_.end(); ++it) {
      if (it->second->accepted && it->second->reader && it->second->reader->ready())
        return it->second;
    }
  }
  return nullptr;
}

bool SessionSender::write(const void* data, size_t len) {
  const Result r = channel_->send(data, len);
  if (r.ok()) return true;
  std::function<void(const std::string&)> notify;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    if (!stopping_) notify = on_write_error_;  // a failure caused by stop() is no news
  }
  if (notify) notify(r.message());
  return false;
}

void SessionSender::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    destroy_retired(&lock);
    cv_.wait(lock, [this] {
      return stopping_ || !control_.empty() || final_.has_value() || !retired_.empty() ||
             next_to_stream_locked() != nullptr;
    });
    if (stopping_) return;
    if (!retired_.empty()) continue;

    if (!control_.empty()) {
      // All queued control frames in one write: chat and answers go out before more file data.
      std::string batch;
      for (std::string& f : control_) batch += f;
      control_.clear();
      control_bytes_ = 0;
      lock.unlock();
      const bool ok = write(batch.data(), batch.size());
      lock.lock();
      if (!ok) return;
      continue;
    }

    if (final_) {
      const std::string last = std::move(*final_);
      final_.reset();
      lock.unlock();
      // SHUT_WR sends FIN after the frame, so the peer reads BYE/ERROR and then end-of-stream.
      if (write(last.data(), last.size())) ::shutdown(channel_->fd(), SHUT_WR);
      return;
    }

    if (!stream_one_chunk(&lock)) return;
  }
}

bool SessionSender::stream_one_chunk(std::unique_lock<std::mutex>* lock) {
  const std::shared_ptr<Outgoing> t = next_to_stream_locked();
  last_streamed_ = t->id;
  // Valid until this thread destroys it (destroy_retired), even if `t` is cancelled meanwhile.
  ChunkReader* const reader = t->reader.get();
  ChunkReader::Chunk chunk;
  std::string error;
  if (!reader->take(&chunk, &error)) {
    // The peer learns only that reading failed, not our local path.
    fail_locked(t, error, "sender cannot read the file");
    return true;
  }
  const uint64_t total = t->source->size();
  const std::string offered = t->source->sha256();
  lock->unlock();

  // The frames are built where the reader put the bytes: DATA prefix in front, DONE behind.
  size_t len = 0;
  unsigned char* const buf = chunk.frame;
  if (chunk.len > 0) {
    encode_data_prefix(t->id, static_cast<uint32_t>(chunk.len), buf);
    len = kDataPrefixBytes + chunk.len;
  }
  if (chunk.last) {  // DONE right behind the last DATA, so nothing can come between them
    const std::string done =
        encode_done(t->id, digest_follows(offered) ? reader->digest() : offered);
    encode_frame_header(wire::kDone, static_cast<uint32_t>(done.size()), buf + len);
    std::copy(done.begin(), done.end(), buf + len + wire::kFrameHeaderBytes);
    len += wire::kFrameHeaderBytes + done.size();
  }
  const bool ok = write(buf, len);
  lock->lock();
  reader->release();
  if (!ok) return false;
  auto it = outgoing_.find(t->id);
  if (it == outgoing_.end() || it->second != t) return true;  // cancelled meanwhile
  t->sent += chunk.len;
  if (!chunk.last) {
    t->progress->update(t->sent);
    return true;
  }
  t->progress.reset();
  console_->line("sent " + t->shown + " (" + console_->size_text(total) + ")");
  finished_[t->id] = t->shown;
  if (finished_.size() > kMaxFinishedRemembered) finished_.erase(finished_.begin());
  retire_reader_locked(t);
  outgoing_.erase(it);
  return true;
}

}  // namespace peerlink
