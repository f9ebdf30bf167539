// The lobby's broker link (Lobby members): events as they arrive, requests, and losing and
// regaining the broker.
#include "client/lobby/lobby.h"

#include "client/lobby/files.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

constexpr int kRequestTimeoutMs = 10000;

}  // namespace

// ---- Broker events ----

void Lobby::handle_messages() {
  while (online() && s_->conn.has_messages() && !done_) {
    for (const BrokerMessage& m : s_->conn.take_messages()) {
      if (!online() || done_) break;  // what the lost connection still said is void
      if (m.kind == BrokerMessage::Kind::kErr) {
        console_->print("the broker says: " + printable(m.reason), Style::kError);
        continue;
      }
      BrokerEvent e;
      if (m.is_event() && parse_broker_event(m, &e)) handle_event(e);
    }
  }
  update_prompt();
}

void Lobby::handle_event(const BrokerEvent& e) {
  const std::string& me = s_->options.user;
  switch (e.type) {
    case BrokerEvent::Type::kJoin:
      if (e.user != me) console_->print("* " + e.user + " joined", Style::kNotice);
      break;
    case BrokerEvent::Type::kLeave:
      if (e.user == me) break;
      console_->print("* " + e.user + " left", Style::kNotice);
      withdraw_offers_from(e.user);
      break;
    case BrokerEvent::Type::kShares:
      if (e.user != me) {
        console_->print("* " + e.user + " shares " + files_count(e.count), Style::kNotice);
        resumes_.owners_changed();  // maybe the owner a paused download was waiting for
      }
      break;
    case BrokerEvent::Type::kChatRequest:
    case BrokerEvent::Type::kChatAccepted:
    case BrokerEvent::Type::kChatDeclined:
    case BrokerEvent::Type::kChatCancelled:
      handle_chat_event(e);
      break;
    case BrokerEvent::Type::kOffer:
    case BrokerEvent::Type::kOfferAnswer:
    case BrokerEvent::Type::kOfferCancelled:
      handle_offer_event(e);
      break;
    case BrokerEvent::Type::kShutdown:
      console_->print("the broker is shutting down", Style::kError);
      break;
    case BrokerEvent::Type::kResync:
      // We fell behind and the broker dropped some joins, leaves and share counts; nothing is
      // cached here, so only what waits on an owner needs a fresh look.
      console_->print("* missed some directory updates; 'users' and 'files' show the current state",
                      Style::kNotice);
      resumes_.owners_changed();
      break;
    case BrokerEvent::Type::kOther:
      break;
  }
}

// ---- The broker link ----

Expected<BrokerConn::Reply> Lobby::request(const std::string& line, std::string_view body_word) {
  Expected<BrokerConn::Reply> r = s_->conn.request(line, kRequestTimeoutMs, body_word);
  if (r.ok()) {
    last_traffic_ = Clock::now();
  } else {
    lost(r.message());
  }
  return r;
}

void Lobby::keepalive() {
  last_traffic_ = Clock::now();  // one PING per quiet period, even if it fails
  (void)request(LineWriter(wire::request::kPing).str());
}

void Lobby::lost(const std::string& why) {
  if (reconnector_.active()) return;
  // Events still queued from the dead connection are void (their request ids die with it),
  // except the news that explains the loss.
  for (const BrokerMessage& m : s_->conn.take_messages()) {
    BrokerEvent e;
    if (parse_broker_event(m, &e) && e.type == BrokerEvent::Type::kShutdown) {
      console_->print("the broker is shutting down", Style::kError);
    }
  }
  if (s_->options.reconnect_attempts > 0) {
    console_->print("lost the connection to the broker: " + why + " — reconnecting", Style::kError);
  } else {
    console_->fatal("lost the connection to the broker: " + why);
  }
  begin_reconnect();
}

void Lobby::begin_reconnect() {
  s_->conn.close();
  // Requests and offers live on the broker connection: all of them are void now. Downloads and
  // the file server go on; they talk to peers directly.
  questions_.clear();
  outgoing_.reset();
  offers_out_.clear();
  shares_.set_announced(false);
  if (s_->options.reconnect_attempts <= 0) {  // --reconnect-attempts 0: no second chances
    leave(1);
    return;
  }
  reconnector_.start(Clock::now());
  update_prompt();
}

void Lobby::reconnect_step() {
  const ClientOptions& opt = s_->options;
  // Same name, same file-server port and ticket key: the server that runs still serves.
  Reconnector::Outcome r =
      reconnector_.attempt(&s_->conn, opt.host, opt.port, s_->identity, Clock::now());
  switch (r.kind) {
    case Reconnector::Outcome::Kind::kRegistered:
      s_->observed_ip = r.ip;
      last_traffic_ = Clock::now();
      console_->print(registered_line(opt.user, opt.host, opt.port), Style::kGood);
      if (shares_.have_scan()) announce();  // else the scan under way announces when done
      resumes_.owners_changed();            // others may have come back while we were away
      update_prompt();
      break;
    case Reconnector::Outcome::Kind::kRetry:
      console_->print("reconnect attempt " + std::to_string(r.attempt) + " of " +
                          std::to_string(reconnector_.max_attempts()) + " failed: " + r.why,
                      Style::kError);
      break;
    case Reconnector::Outcome::Kind::kNameTaken:
      // Said once per run of such answers, not every few seconds.
      if (r.taken_in_a_row == 1) {
        console_->print("the broker is back, but the name " + opt.user +
                            " is taken (someone registered it while we were away) — trying again "
                            "every few seconds until it is free",
                        Style::kError);
      }
      break;
    case Reconnector::Outcome::Kind::kGiveUp:
      console_->fatal("could not reconnect to the broker at " + host_port(opt.host, opt.port) +
                      " after " + std::to_string(r.attempt) + " attempts (" + r.why +
                      ") — giving up");
      leave(1);
      break;
  }
}

}  // namespace peerlink::lobby
