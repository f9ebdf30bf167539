// The lobby's link to the broker.
#include "client/lobby/broker_link.h"

#include "client/setup.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

using Style = LobbyConsole::Style;

constexpr int kRequestTimeoutMs = 10000;
constexpr int kByeTimeoutMs = 2000;  // for OK BYE when leaving or before exec (HANDOFF.md)
// With nothing heard for this long, a PING checks that the broker is still there: a broker
// host that vanished without a FIN would otherwise go unnoticed until the next command.
constexpr auto kKeepalive = std::chrono::seconds(60);

}  // namespace

BrokerLink::BrokerLink(LobbyConsole* console, const ClientOptions& options, BrokerConn conn,
                       Identity identity, std::string observed_ip)
    : console_(console),
      options_(options),
      conn_(std::move(conn)),
      identity_(std::move(identity)),
      observed_ip_(std::move(observed_ip)),
      reconnector_(options.reconnect_attempts) {}

void BrokerLink::on_readable() {
  if (const Result read = conn_.read_available(); read) {
    last_traffic_ = Clock::now();
  } else {
    lost(read.message());
  }
}

std::optional<BrokerEvent> BrokerLink::next_event() {
  for (;;) {
    if (!online()) {
      batch_.clear();
      return std::nullopt;
    }
    if (batch_.empty()) {
      if (!conn_.has_messages()) return std::nullopt;
      batch_ = conn_.take_messages();
    }
    BrokerMessage m = std::move(batch_.front());
    batch_.pop_front();
    if (m.kind == BrokerMessage::Kind::kErr) {
      console_->print("the broker says: " + printable(m.reason), Style::kError);
      continue;
    }
    BrokerEvent e;
    if (m.is_event() && parse_broker_event(m, &e)) return e;
  }
}

Expected<BrokerConn::Reply> BrokerLink::request(const std::string& line,
                                                std::string_view body_word) {
  Expected<BrokerConn::Reply> r = conn_.request(line, kRequestTimeoutMs, body_word);
  if (r.ok()) {
    last_traffic_ = Clock::now();
  } else {
    lost(r.message());
  }
  return r;
}

void BrokerLink::keepalive() {
  last_traffic_ = Clock::now();  // one PING per quiet period, even if it fails
  (void)request(LineWriter(wire::request::kPing).str());
}

void BrokerLink::lost(const std::string& why) {
  if (reconnector_.active()) return;
  // Events still queued from the dead connection are void (their request ids die with it),
  // except the news that explains the loss.
  for (const BrokerMessage& m : conn_.take_messages()) {
    BrokerEvent e;
    if (parse_broker_event(m, &e) && e.type == BrokerEvent::Type::kShutdown) {
      console_->print("the broker is shutting down", Style::kError);
    }
  }
  if (options_.reconnect_attempts > 0) {
    console_->print("lost the connection to the broker: " + why + " — reconnecting", Style::kError);
  } else {
    console_->fatal("lost the connection to the broker: " + why);
  }
  begin_reconnect();
}

void BrokerLink::begin_reconnect() {
  conn_.close();
  batch_.clear();
  on_.dropped();
  if (options_.reconnect_attempts <= 0) {  // --reconnect-attempts 0: no second chances
    on_.leave(1);
    return;
  }
  reconnector_.start(Clock::now());
  on_.changed();
}

void BrokerLink::say_bye() { conn_.bye(kByeTimeoutMs); }

void BrokerLink::leave() {
  if (online()) conn_.bye(kByeTimeoutMs);
  conn_.close();
  left_ = true;
}

BrokerLink::Clock::time_point BrokerLink::next_wake() const {
  return reconnector_.active() ? reconnector_.next_attempt() : last_traffic_ + kKeepalive;
}

void BrokerLink::tick(Clock::time_point now) {
  if (reconnector_.due(now)) {
    reconnect_step();
  } else if (online() && now - last_traffic_ >= kKeepalive) {
    keepalive();
  }
}

void BrokerLink::reconnect_step() {
  const ClientOptions& opt = options_;
  // Same name, same file-server port and ticket key: the server that runs still serves.
  Reconnector::Outcome r =
      reconnector_.attempt(&conn_, opt.host, opt.port, identity_, Clock::now());
  switch (r.kind) {
    case Reconnector::Outcome::Kind::kRegistered:
      observed_ip_ = r.ip;
      last_traffic_ = Clock::now();
      console_->print(registered_line(opt.user, opt.host, opt.port), Style::kGood);
      on_.registered();
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
      on_.leave(1);
      break;
  }
}

}  // namespace peerlink::lobby
