// The transfers a session receives: offers waiting for the user's answer, and files being written.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/base/result.h"
#include "common/fs/part_file.h"
#include "common/session/sender.h"
#include "common/term/progress.h"
#include "common/term/terminal.h"
#include "common/wire/transfer_codec.h"

namespace peerlink {

// Tracks the peer's offers from OFFER to the user's y/n, then each accepted file from DATA to
// DONE, writing it through a PartFile (so nothing appears under the final name unless the size
// and SHA-256 match: the OFFER's digest if it had one, and always DONE's). The receive thread
// only writes the bytes (the PartFile hashes them on a thread of its own); DONE hands the file to
// a commit thread (wait for the hash, compare, fsync, rename), which prints "received ..." or
// sends CANCEL when it is done, so chat keeps flowing while a large file reaches the disk. Offered
// names are hostile: they pass through sanitize_file_name() before use, and through printable()
// before being shown. Replies (ACCEPT, DECLINE, CANCEL) are queued on `sender`, never written here.
// Prints the receiver's lines on `console`.
//
// What the peer can make it hold is bounded (docs/SESSION.md, "Limits"): at most
// kMaxOpenTransfers offers waiting or in progress (more are declined automatically), the ids of
// the last kMaxClosedRemembered finished transfers, and one timestamp per offer that ended
// unanswered within the flood window. A peer whose offers keep ending unanswered (declined
// automatically, or withdrawn by CANCEL before the user said y or n) more than
// `limits.max_unanswered` times within `limits.window` is flooding: its next OFFER ends the
// session with "too many offers".
//
// Thread-safe: the receive thread feeds frames in, the input thread answers offers.
class TransferReceiver {
 public:
  struct Limits {
    size_t max_unanswered = 64;
    std::chrono::steady_clock::duration window = std::chrono::seconds(60);
  };

  TransferReceiver(SessionSender* sender, Console* console, std::string peer, std::string downloads,
                   Limits limits);
  TransferReceiver(SessionSender* sender, Console* console, std::string peer, std::string downloads)
      : TransferReceiver(sender, console, std::move(peer), std::move(downloads), Limits{}) {}

  // Frame handlers, called by the receive thread with the frame's payload. Each fails only for a
  // protocol violation, with the reason to send in ERROR before ending the session (a local
  // failure, such as a full disk, ends that transfer alone and is ok here).
  Result on_offer(std::string_view payload);
  Result on_data(std::string_view payload);
  Result on_done(std::string_view payload);
  // The peer cancels one of its offers. False if `id` never named one of the peer's offers (it
  // may then be one of ours: see SessionSender::on_cancel).
  bool on_cancel(uint32_t id, const std::string& reason);

  // Called by the input thread.
  bool offer_pending() const;
  // Answers the oldest offer still waiting; does nothing if there is none.
  void answer_oldest(bool accept);

  // Session end: waits for the commits under way (each ends as it would have: a verified file
  // lands, a bad one is removed), then every unanswered offer and unfinished file fails with
  // `reason`; .part files are removed.
  void fail_all(const std::string& reason);
  ~TransferReceiver();  // joins the commits under way

  // Offers waiting or in progress at once; more are declined automatically.
  static constexpr size_t kMaxOpenTransfers = 16;
  // Finished transfers whose ids are remembered exactly; older ones are known only as "below
  // the newest id forgotten", which is enough because the peer's offer ids must increase.
  static constexpr size_t kMaxClosedRemembered = 1024;

 private:
  struct Incoming {
    Offer offer;
    std::string name;   // sanitized: safe to create in the downloads folder
    std::string shown;  // printable(name)
    std::unique_ptr<PartFile> part;
    std::unique_ptr<TransferProgress> progress;
    bool committing = false;  // DONE came; a commit thread owns `part` now
  };

  // A commit thread: commits `t`'s file against `sender_sha256` (DONE's), then reports.
  void commit(uint32_t id, Incoming* t, std::string sender_sha256);
  // Joins the commit threads that have reported.
  void reap_commits_locked();
  void join_commits();

  // Ends `t` as failed: prints why, removes its .part, remembers the id as closed.
  void fail_locked(uint32_t id, Incoming* t, const std::string& reason);
  void prompt_locked(const Incoming& t, bool again);
  // Remembers `id` (no longer open) as over: frames the peer sent before it learnt that are
  // dropped.
  void close_locked(uint32_t id);
  bool closed_locked(uint32_t id) const;
  // An offer ended without the user's answer; counts towards the flood limit.
  void note_unanswered_locked();

  SessionSender* const sender_;
  Console* const console_;
  const std::string peer_;
  const std::string downloads_;
  const Limits limits_;

  mutable std::mutex mu_;
  std::deque<uint32_t> waiting_;       // ids of unanswered offers, oldest first
  std::map<uint32_t, Incoming> open_;  // unanswered and accepted transfers, by id
  // The peer's offer ids strictly increase; this is the newest one (valid if any_offer_).
  uint32_t last_offer_id_ = 0;
  bool any_offer_ = false;
  // Ids of the peer's offers that are over (declined, cancelled, done, failed): the newest
  // kMaxClosedRemembered, in closed_order_ by closing time. Every id up to forgotten_up_to_ (if
  // forgot_any_) counts as over too.
  std::set<uint32_t> closed_;
  std::deque<uint32_t> closed_order_;
  uint32_t forgotten_up_to_ = 0;
  bool forgot_any_ = false;
  // When recent offers ended unanswered, oldest first; at most limits_.max_unanswered + 1.
  std::deque<std::chrono::steady_clock::time_point> unanswered_;
  // Commit threads by transfer id (at most kMaxOpenTransfers: each is an open transfer), and the
  // ids of those that have reported and only need joining.
  std::map<uint32_t, std::thread> commits_;
  std::vector<uint32_t> commits_over_;
};

}  // namespace peerlink
