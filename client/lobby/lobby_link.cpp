// The lobby's broker link (Lobby members): events as they arrive, requests, and losing and
// regaining the broker.
#include "client/lobby/lobby.h"

#include "client/lobby/files.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
// ---- Broker events ----

void Lobby::handle_messages() {
  while (!done_) {
    std::optional<BrokerEvent> e = link_.next_event();
    if (!e) break;
    handle_event(*e);
  }
  prompts_.update();
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
      offers_.withdraw_from(e.user);
      break;
    case BrokerEvent::Type::kShares:
      if (e.user != me) {
        console_->print("* " + e.user + " shares " + files_count(e.count), Style::kNotice);
        downloads_.owners_changed();  // maybe the owner a paused download was waiting for
      }
      break;
    case BrokerEvent::Type::kChatRequest:
    case BrokerEvent::Type::kChatAccepted:
    case BrokerEvent::Type::kChatDeclined:
    case BrokerEvent::Type::kChatCancelled:
      chat_.handle_event(e);
      break;
    case BrokerEvent::Type::kOffer:
    case BrokerEvent::Type::kOfferAnswer:
    case BrokerEvent::Type::kOfferCancelled:
      offers_.handle_event(e);
      break;
    case BrokerEvent::Type::kShutdown:
      console_->print("the broker is shutting down", Style::kError);
      break;
    case BrokerEvent::Type::kResync:
      // We fell behind and the broker dropped some joins, leaves and share counts; nothing is
      // cached here, so only what waits on an owner needs a fresh look.
      console_->print("* missed some directory updates; 'users' and 'files' show the current state",
                      Style::kNotice);
      downloads_.owners_changed();
      break;
    case BrokerEvent::Type::kOther:
      break;
  }
}

// ---- The broker link's news ----

BrokerLink::Callbacks Lobby::link_callbacks() {
  BrokerLink::Callbacks c;
  c.dropped = [this] {
    // Requests and offers live on the broker connection: all of them are void now. Downloads
    // and the file server go on; they talk to peers directly.
    prompts_.clear();
    chat_.dropped();
    offers_.dropped();
    shared_.dropped();
  };
  c.registered = [this] {
    shared_.registered();         // announces, unless the scan under way does when done
    downloads_.owners_changed();  // others may have come back while we were away
    prompts_.update();
  };
  c.leave = [this](int status) { leave(status); };
  c.changed = [this] { prompts_.update(); };
  return c;
}

}  // namespace peerlink::lobby
