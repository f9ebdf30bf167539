// The transfers a session receives: offers waiting for the user's answer, and files being written.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/progress.h"
#include "common/session_sender.h"
#include "common/terminal.h"
#include "common/transfer_codec.h"
#include "common/transfer_part_file.h"

namespace peerlink {

// Tracks the peer's offers from OFFER to the user's y/n, then each accepted file from DATA to
// DONE, writing it through a PartFile (so nothing appears under the final name unless the size
// and SHA-256 match). Offered names are hostile: they pass through sanitize_file_name() before
// use, and through printable() before being shown. Replies (ACCEPT, DECLINE, CANCEL) are queued
// on `sender`, never written here. Prints the receiver's lines on `console`.
//
// Thread-safe: the receive thread feeds frames in, the input thread answers offers.
class TransferReceiver {
 public:
  TransferReceiver(SessionSender* sender, Console* console, std::string peer,
                   std::string downloads);

  // Frame handlers, called by the receive thread with the frame's payload. Each returns "" or,
  // for a protocol violation, the reason to send in ERROR before ending the session.
  std::string on_offer(std::string_view payload);
  std::string on_data(std::string_view payload);
  std::string on_done(std::string_view payload);
  // The peer cancels one of its offers. False if `id` never named one of the peer's offers (it
  // may then be one of ours: see SessionSender::on_cancel).
  bool on_cancel(uint32_t id, const std::string& reason);

  // Called by the input thread.
  bool offer_pending() const;
  // Answers the oldest offer still waiting; does nothing if there is none.
  void answer_oldest(bool accept);

  // Session end: every unanswered offer and unfinished file fails with `reason`; .part files
  // are removed.
  void fail_all(const std::string& reason);

  // Offers waiting or in progress at once; more are declined automatically.
  static constexpr size_t kMaxOpenTransfers = 16;

 private:
  struct Incoming {
    Offer offer;
    std::string name;   // sanitized: safe to create in the downloads folder
    std::string shown;  // printable(name)
    std::unique_ptr<PartFile> part;
    std::unique_ptr<TransferProgress> progress;
  };

  // Ends `t` as failed: prints why, removes its .part, remembers the id as closed.
  void fail_locked(uint32_t id, Incoming* t, const std::string& reason);
  void prompt_locked(const Incoming& t, bool again);

  SessionSender* const sender_;
  Console* const console_;
  const std::string peer_;
  const std::string downloads_;

  mutable std::mutex mu_;
  std::deque<uint32_t> waiting_;       // ids of unanswered offers, oldest first
  std::map<uint32_t, Incoming> open_;  // unanswered and accepted transfers, by id
  // Ids of the peer's offers that are over (declined, cancelled, done, failed). Frames the peer
  // sent before it learnt that are dropped; a new OFFER may not reuse them.
  std::set<uint32_t> closed_;
};

}  // namespace peerlink
