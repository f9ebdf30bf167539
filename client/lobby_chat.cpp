// The lobby's chat requests, both ways, and the hand-off to the peer programs (Lobby members;
// the loop, commands and broker link are in lobby.cpp).
#include "client/lobby.h"

#include <algorithm>
#include <cstdlib>

#include "client/handoff.h"
#include "common/line_codec.h"
#include "common/names.h"
#include "common/net.h"

namespace peerlink {
namespace {

using Style = LobbyConsole::Style;

constexpr int kByeTimeoutMs = 2000;  // for OK BYE before exec (HANDOFF.md: bounded)

LobbyReturn lobby_return(const ClientOptions& o) {
  return LobbyReturn{o.host, o.port, o.user, o.share, o.downloads};
}

}  // namespace

// ---- Our chat request ----

void Lobby::ask_chat(const std::string& user) {
  if (!valid_user_name(user)) {
    say_no_such_user(user);
    return;
  }
  if (user == s_->options.user) {
    console_->print("you cannot chat with yourself", Style::kError);
    return;
  }
  if (outgoing_) {
    console_->print("you already asked " + outgoing_->to + " — wait for the answer", Style::kError);
    return;
  }
  BrokerConn::Reply r = request(LineWriter("CHAT").field(user).str());
  if (!r.ok) return;
  uint64_t id = 0;
  if (is_ok(r.head, "CHAT") && r.head.fields.size() == 2) {
    id = std::strtoull(r.head.fields[1].c_str(), nullptr, 10);
    outgoing_ = Outgoing{id, user};
    console_->print("asked " + user + " to chat, waiting for an answer", Style::kNotice);
  } else if (r.head.kind == BrokerMessage::Kind::kErr && r.head.code == 404) {
    say_no_such_user(user);
  } else if (r.head.kind == BrokerMessage::Kind::kErr && r.head.code == 409) {
    console_->print("a chat request of yours is already waiting for an answer", Style::kError);
  } else {
    console_->print("cannot ask " + user + ": " + printable(r.head.reason), Style::kError);
  }
}

void Lobby::start_requested_session(const BrokerEvent& e) {
  outgoing_.reset();
  console_->print(e.user + " accepted — starting a chat session", Style::kGood);
  console_->stop_editing();
  s_->conn.bye(kByeTimeoutMs);
  std::string failure = exec_peer_client(lobby_return(s_->options), e.ip, e.port, e.user, e.token);
  console_->start_editing();
  console_->print(failure, Style::kError);
  begin_reconnect();
}

void Lobby::handle_chat_event(const BrokerEvent& e) {
  switch (e.type) {
    case BrokerEvent::Type::kChatRequest:
      incoming_.push_back(Incoming{e.id, e.user});
      if (incoming_.size() == 1) ask_next_request();
      break;
    case BrokerEvent::Type::kChatAccepted:
      if (outgoing_ && outgoing_->id == e.id) start_requested_session(e);
      break;
    case BrokerEvent::Type::kChatDeclined:
      if (!outgoing_ || outgoing_->id != e.id) break;
      outgoing_.reset();
      if (e.reason == "declined") {
        console_->print(e.user + " declined", Style::kNotice);
      } else if (e.reason == "timeout") {
        console_->print(e.user + " did not answer", Style::kNotice);
      } else if (e.reason == "gone") {
        console_->print(e.user + " left", Style::kNotice);
      } else {
        console_->print(e.user + " cannot chat: " + printable(e.reason), Style::kNotice);
      }
      break;
    case BrokerEvent::Type::kChatCancelled: {
      auto it = std::find_if(incoming_.begin(), incoming_.end(),
                             [&](const Incoming& r) { return r.id == e.id; });
      if (it == incoming_.end()) break;
      bool was_asked = it == incoming_.begin();
      incoming_.erase(it);
      console_->print(e.reason == "timeout"
                          ? "request from " + e.user + " timed out"
                          : "request from " + e.user + " withdrawn (" + e.user + " left)",
                      Style::kNotice);
      if (was_asked) ask_next_request();
      break;
    }
    default:
      break;
  }
}

// ---- Chat requests to us ----

void Lobby::ask_next_request() {
  if (incoming_.empty()) return;
  console_->print(incoming_.front().from + " wants to chat — accept? [y/n]", Style::kQuestion);
}

void Lobby::answer(bool yes) {
  if (incoming_.empty()) {
    console_->print("no request to answer", Style::kError);
    return;
  }
  Incoming req = incoming_.front();
  incoming_.pop_front();
  if (yes) {
    accept(req);
  } else {
    BrokerConn::Reply r = request(LineWriter("DECLINE").num(req.id).str());
    if (!r.ok) return;
    if (is_ok(r.head, "DECLINE")) {
      console_->print("declined " + req.from + "'s request", Style::kNotice);
    } else {
      console_->print("the request from " + req.from + " is no longer open", Style::kError);
    }
  }
  if (online()) ask_next_request();
}

void Lobby::accept(const Incoming& req) {
  // Bound before answering, and inherited across exec by _peer_server: nobody can take the port
  // between our ACCEPT and the requester's connect (HANDOFF.md).
  SocketResult listener = listen_tcp("", 0);
  if (!listener.ok()) {
    console_->print("cannot open a port for the session: " + listener.error, Style::kError);
    request(LineWriter("DECLINE").num(req.id).str());
    return;
  }
  uint16_t port = local_port(listener.fd.get());
  BrokerConn::Reply r = request(LineWriter("ACCEPT").num(req.id).num(port).str());
  if (!r.ok) return;
  if (r.head.kind == BrokerMessage::Kind::kErr) {
    console_->print(r.head.code == 404
                        ? "the request from " + req.from + " is no longer open"
                        : "cannot accept " + req.from + "'s request: " + printable(r.head.reason),
                    Style::kError);
    return;
  }
  if (!is_ok(r.head, "ACCEPT") || r.head.fields.size() != 3 || !plausible_token(r.head.fields[2])) {
    console_->print("the broker answered the accept with nonsense", Style::kError);
    return;
  }
  const std::string token = r.head.fields[2];
  console_->print("starting a chat session with " + req.from, Style::kGood);
  console_->stop_editing();
  s_->conn.bye(kByeTimeoutMs);
  std::string failure =
      exec_peer_server(lobby_return(s_->options), listener.fd.get(), req.from, token);
  console_->start_editing();
  console_->print(failure, Style::kError);
  begin_reconnect();
}

}  // namespace peerlink
