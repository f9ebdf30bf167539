// Chat requests, both ways, and the hand-off of an accepted one to a peer program.
#include "client/lobby/chat_requests.h"

#include <cstdlib>

#include "client/launch/handoff.h"
#include "common/base/fd.h"
#include "common/fs/names.h"
#include "common/net/net.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {

// ---- Our chat request ----

void ChatRequests::ask(const std::string& user) {
  if (!valid_user_name(user)) {
    directory_->say_no_such_user(user);
    return;
  }
  if (user == options_.user) {
    console_->print("you cannot chat with yourself", Style::kError);
    return;
  }
  if (outgoing_) {
    console_->print("you already asked " + outgoing_->to + " — wait for the answer", Style::kError);
    return;
  }
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kChat).field(user).str());
  if (!r.ok()) return;
  uint64_t id = 0;
  if (is_ok(r->head, wire::reply::kChat) && r->head.fields.size() == 2) {
    id = std::strtoull(r->head.fields[1].c_str(), nullptr, 10);
    outgoing_ = Outgoing{id, user};
    console_->print("asked " + user + " to chat, waiting for an answer", Style::kNotice);
  } else if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kNotFound) {
    directory_->say_no_such_user(user);
  } else if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kConflict &&
             r->head.reason.find(wire::err::kInAChatWith) != std::string::npos) {
    console_->print(printable(r->head.reason), Style::kNotice);  // "bob is in a chat with alice"
  } else if (r->head.kind == BrokerMessage::Kind::kErr && r->head.code == wire::err::kConflict) {
    console_->print("a chat request of yours is already waiting for an answer", Style::kError);
  } else {
    console_->print("cannot ask " + user + ": " + printable(r->head.reason), Style::kError);
  }
}

void ChatRequests::start_requested_session(const BrokerEvent& e) {
  outgoing_.reset();
  console_->print(e.user + " accepted — starting a chat session", Style::kGood);
  hand_off_([&] { return exec_peer_client(options_, e.ip, e.port, e.user, e.key, e.token); });
}

void ChatRequests::handle_event(const BrokerEvent& e) {
  switch (e.type) {
    case BrokerEvent::Type::kChatRequest: {
      Question q;
      q.kind = Question::Kind::kChat;
      q.id = e.id;
      q.from = e.user;
      prompts_->add(std::move(q));
      break;
    }
    case BrokerEvent::Type::kChatAccepted:
      if (outgoing_ && outgoing_->id == e.id) start_requested_session(e);
      break;
    case BrokerEvent::Type::kChatDeclined:
      if (!outgoing_ || outgoing_->id != e.id) break;
      outgoing_.reset();
      if (e.reason == wire::outcome::kDeclined) {
        console_->print(e.user + " declined", Style::kNotice);
      } else if (e.reason == wire::outcome::kTimeout) {
        console_->print(e.user + " did not answer", Style::kNotice);
      } else if (e.reason == wire::outcome::kGone) {
        console_->print(e.user + " left", Style::kNotice);
      } else {
        console_->print(e.user + " cannot chat: " + printable(e.reason), Style::kNotice);
      }
      break;
    case BrokerEvent::Type::kChatCancelled: {
      bool was_front = false;
      std::optional<Question> q = prompts_->remove_if(
          [&](const Question& x) { return x.kind == Question::Kind::kChat && x.id == e.id; },
          &was_front);
      if (!q) break;
      console_->print(e.reason == wire::outcome::kTimeout
                          ? "request from " + e.user + " timed out"
                          : "request from " + e.user + " withdrawn (" + e.user + " left)",
                      Style::kNotice);
      if (was_front) prompts_->ask_next();
      break;
    }
    default:
      break;
  }
}

// ---- Answering a chat request ----

void ChatRequests::answer(const Question& q, bool yes) {
  if (yes) {
    accept(q);
    return;
  }
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kDecline).num(q.id).str());
  if (!r.ok()) return;
  if (is_ok(r->head, wire::reply::kDecline)) {
    console_->print("declined " + q.from + "'s request", Style::kNotice);
  } else {
    console_->print("the request from " + q.from + " is no longer open", Style::kError);
  }
}

void ChatRequests::accept(const Question& req) {
  // Bound before answering, and inherited across exec by _peer_server: nobody can take the port
  // between our ACCEPT and the requester's connect (HANDOFF.md).
  Expected<UniqueFd> listener = listen_tcp("", 0);
  if (!listener.ok()) {
    console_->print("cannot open a port for the session: " + listener.message(), Style::kError);
    (void)link_->request(LineWriter(wire::request::kDecline).num(req.id).str());
    return;
  }
  uint16_t port = local_port(listener->get());
  Expected<BrokerConn::Reply> r =
      link_->request(LineWriter(wire::request::kAccept).num(req.id).num(port).str());
  if (!r.ok()) return;
  if (r->head.kind == BrokerMessage::Kind::kErr) {
    console_->print(r->head.code == wire::err::kNotFound
                        ? "the request from " + req.from + " is no longer open"
                        : "cannot accept " + req.from + "'s request: " + printable(r->head.reason),
                    Style::kError);
    return;
  }
  // OK ACCEPT <id> <token> <requester-key>: the key the session must prove.
  std::string peer_key;
  if (!is_ok(r->head, wire::reply::kAccept) || r->head.fields.size() != 4 ||
      !plausible_token(r->head.fields[2]) || !parse_key_field(r->head.fields[3], &peer_key)) {
    console_->print("the broker answered the accept with nonsense", Style::kError);
    return;
  }
  const std::string token = r->head.fields[2];
  console_->print("starting a chat session with " + req.from, Style::kGood);
  hand_off_([&] { return exec_peer_server(options_, listener->get(), req.from, peer_key, token); });
}

}  // namespace peerlink::lobby
