// The transfers a session receives: offers waiting for the user's answer, and files being written.
#include "common/session/receiver.h"

#include <algorithm>

#include "common/base/hex.h"
#include "common/fs/names.h"
#include "common/wire/wire.h"

namespace peerlink {
namespace {

// Status keys of incoming bars are kept apart from the outgoing ones (which use the bare id).
uint64_t progress_key(uint32_t id) { return (uint64_t{1} << 32) | id; }

// What the sender is told when a finished file fails its checks: the mismatch itself, but never
// our local paths or errors.
std::string reason_for_peer(const std::string& commit_error) {
  if (commit_error == "sha256 mismatch" || commit_error.rfind("size mismatch", 0) == 0)
    return commit_error;
  return "receiver cannot store the file";
}

}  // namespace

TransferReceiver::TransferReceiver(SessionSender* sender, Console* console, std::string peer,
                                   std::string downloads, Limits limits)
    : sender_(sender),
      console_(console),
      peer_(std::move(peer)),
      downloads_(std::move(downloads)),
      limits_(limits) {}

Result TransferReceiver::on_offer(std::string_view payload) {
  Offer offer;
  if (!decode_offer(payload, &offer)) return Result::failure("bad OFFER payload");
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t id = offer.id;
  if (open_.count(id) != 0 || closed_locked(id))
    return Result::failure("OFFER reuses transfer id " + std::to_string(id));
  if (any_offer_ && id <= last_offer_id_)
    return Result::failure("OFFER id " + std::to_string(id) + " is not above the previous one (" +
                           std::to_string(last_offer_id_) + ")");
  // Checked here, on the offer that would go on, so a flood ends before it costs anything more.
  const auto now = std::chrono::steady_clock::now();
  while (!unanswered_.empty() && now - unanswered_.front() >= limits_.window)
    unanswered_.pop_front();
  if (unanswered_.size() > limits_.max_unanswered) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limits_.window).count();
    return Result::failure("too many offers: more than " + std::to_string(limits_.max_unanswered) +
                           " ended unanswered within " + std::to_string(seconds) + " s");
  }
  last_offer_id_ = id;
  any_offer_ = true;
  Incoming t;
  t.name = sanitize_file_name(offer.name);
  t.shown = printable(t.name);
  t.offer = std::move(offer);
  if (open_.size() >= kMaxOpenTransfers) {
    console_->line(peer_ + " offers " + t.shown + ": declined (too many transfers at once)",
                   Console::Tone::kNotice);
    close_locked(id);
    note_unanswered_locked();
    sender_->queue(wire::kDecline, encode_transfer_id(id));
    return {};
  }
  prompt_locked(t, false);
  waiting_.push_back(id);
  open_.emplace(id, std::move(t));
  return {};
}

void TransferReceiver::close_locked(uint32_t id) {
  if (!closed_.insert(id).second) return;
  closed_order_.push_back(id);
  if (closed_order_.size() <= kMaxClosedRemembered) return;
  const uint32_t oldest = closed_order_.front();
  closed_order_.pop_front();
  closed_.erase(oldest);
  if (!forgot_any_ || oldest > forgotten_up_to_) forgotten_up_to_ = oldest;
  forgot_any_ = true;
}

bool TransferReceiver::closed_locked(uint32_t id) const {
  return closed_.count(id) != 0 || (forgot_any_ && id <= forgotten_up_to_);
}

void TransferReceiver::note_unanswered_locked() {
  unanswered_.push_back(std::chrono::steady_clock::now());
  // One more than the limit is all on_offer() needs to see that it was passed.
  while (unanswered_.size() > limits_.max_unanswered + 1) unanswered_.pop_front();
}

void TransferReceiver::prompt_locked(const Incoming& t, bool again) {
  const std::string digest =
      digest_follows(t.offer.sha256)
          ? std::string("sha256 follows with the data")
          : "sha256 " + to_hex(t.offer.sha256.data(), t.offer.sha256.size()).substr(0, 12);
  const std::string what =
      t.shown + " (" + console_->size_text(t.offer.size) + ", " + digest + ") — accept? [y/n]";
  console_->line(again ? "next offer from " + peer_ + ": " + what : peer_ + " offers " + what,
                 Console::Tone::kNotice);
}

Result TransferReceiver::on_data(std::string_view payload) {
  uint32_t id = 0;
  std::string_view bytes;
  if (!decode_data(payload, &id, &bytes)) return Result::failure("bad DATA payload");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end()) {
    if (closed_locked(id)) return {};  // sent before the peer saw our CANCEL
    return Result::failure("DATA for unknown transfer " + std::to_string(id));
  }
  Incoming& t = it->second;
  if (!t.part) return Result::failure("DATA before ACCEPT for transfer " + std::to_string(id));
  if (t.committing) return Result::failure("DATA after DONE for transfer " + std::to_string(id));
  if (bytes.size() > t.offer.size - t.part->written())
    return Result::failure("more DATA than offered for transfer " + std::to_string(id));
  if (const Result appended = t.part->append(bytes); !appended) {
    const std::string& error = appended.message();
    // Our problem (disk full...), not the peer's: this transfer ends, the session goes on.
    sender_->queue(wire::kCancel, encode_cancel(id, "receiver cannot write the file"));
    fail_locked(id, &t, error);
    return {};
  }
  t.progress->update(t.part->written());
  return {};
}

Result TransferReceiver::on_done(std::string_view payload) {
  uint32_t id = 0;
  std::string sender_sha256;
  if (!decode_done(payload, &id, &sender_sha256)) return Result::failure("bad DONE payload");
  std::lock_guard<std::mutex> lock(mu_);
  reap_commits_locked();
  auto it = open_.find(id);
  if (it == open_.end()) {
    if (closed_locked(id)) return {};
    return Result::failure("DONE for unknown transfer " + std::to_string(id));
  }
  Incoming& t = it->second;
  if (!t.part) return Result::failure("DONE before ACCEPT for transfer " + std::to_string(id));
  if (t.committing) return Result::failure("second DONE for transfer " + std::to_string(id));
  t.committing = true;
  // The entry stays in open_ (counting against kMaxOpenTransfers) until the thread reports;
  // std::map keeps `t` where it is meanwhile.
  Incoming* const held = &t;
  commits_.emplace(
      id, std::thread([this, id, held, sender_sha256] { commit(id, held, sender_sha256); }));
  return {};
}

void TransferReceiver::commit(uint32_t id, Incoming* t, std::string sender_sha256) {
  // Nothing else touches t->part now: DATA and DONE for this id are protocol errors, CANCEL is
  // ignored, and fail_all() joins this thread before it fails anything.
  Expected<std::string> committed = t->part->commit(sender_sha256);
  std::lock_guard<std::mutex> lock(mu_);
  commits_over_.push_back(id);
  if (!committed) {
    const std::string& error = committed.message();
    // The sender has already said "sent"; this tells it the file did not survive.
    sender_->queue(wire::kCancel, encode_cancel(id, reason_for_peer(error)));
    fail_locked(id, t, error);
    return;
  }
  t->progress.reset();
  console_->line("received " + t->shown + " -> " + printable(*committed) + " (" +
                 console_->size_text(t->offer.size) + ", sha256 verified)");
  close_locked(id);
  open_.erase(id);
}

void TransferReceiver::reap_commits_locked() {
  for (const uint32_t id : commits_over_) {
    auto it = commits_.find(id);
    if (it == commits_.end()) continue;
    it->second.join();  // it has reported: all that is left of it is returning
    commits_.erase(it);
  }
  commits_over_.clear();
}

void TransferReceiver::join_commits() {
  std::map<uint32_t, std::thread> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running.swap(commits_);
    commits_over_.clear();
  }
  // Without the lock: each one takes it to report.
  for (auto& [id, thread] : running) thread.join();
}

TransferReceiver::~TransferReceiver() { join_commits(); }

bool TransferReceiver::on_cancel(uint32_t id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end()) return closed_locked(id);
  // After DONE the file is the commit's to finish: the peer has nothing left to cancel.
  if (it->second.committing) return true;
  std::string why = peer_ + " cancelled";
  if (!reason.empty()) why += " (" + printable(reason) + ")";
  if (!it->second.part) note_unanswered_locked();  // withdrawn before the user answered
  fail_locked(id, &it->second, why);
  return true;
}

bool TransferReceiver::offer_pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !waiting_.empty();
}

void TransferReceiver::answer_oldest(bool accept) {
  std::lock_guard<std::mutex> lock(mu_);
  if (waiting_.empty()) return;
  const uint32_t id = waiting_.front();
  waiting_.pop_front();
  Incoming& t = open_.at(id);
  if (!accept) {
    console_->line(t.shown + ": declined");
    sender_->queue(wire::kDecline, encode_transfer_id(id));
    close_locked(id);
    open_.erase(id);
  } else {
    Expected<std::unique_ptr<PartFile>> part =
        PartFile::create(downloads_, t.name, t.offer.size, t.offer.sha256);
    if (!part) {
      // Nothing was written; the sender is still waiting for an answer, and CANCEL gives it one
      // with the reason.
      sender_->queue(wire::kCancel, encode_cancel(id, "receiver cannot store the file"));
      fail_locked(id, &t, part.message());
    } else {
      t.part = std::move(*part);
      t.progress =
          std::make_unique<TransferProgress>(console_, progress_key(id), t.shown, t.offer.size);
      // The .part exists before ACCEPT leaves, so the first DATA always finds it.
      sender_->queue(wire::kAccept, encode_transfer_id(id));
      console_->line(t.shown + ": accepted, receiving into " + printable(downloads_));
      t.progress->update(0);
    }
  }
  if (!waiting_.empty()) prompt_locked(open_.at(waiting_.front()), true);
}

void TransferReceiver::fail_all(const std::string& reason) {
  join_commits();
  std::lock_guard<std::mutex> lock(mu_);
  while (!open_.empty()) fail_locked(open_.begin()->first, &open_.begin()->second, reason);
  waiting_.clear();
}

void TransferReceiver::fail_locked(uint32_t id, Incoming* t, const std::string& reason) {
  t->progress.reset();
  if (t->part) t->part->discard();
  console_->line(t->shown + ": transfer failed: " + printable(reason), Console::Tone::kError);
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), id), waiting_.end());
  close_locked(id);
  open_.erase(id);
}

}  // namespace peerlink
