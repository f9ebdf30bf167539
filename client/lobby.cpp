// The lobby: commands, notifications, chat requests, hand-off and reconnecting.
#include "client/lobby.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "client/menu.h"
#include "client/signals.h"
#include "common/line_codec.h"
#include "common/names.h"
#include "common/net.h"

namespace peerlink {
namespace {

using Style = LobbyConsole::Style;

constexpr int kRequestTimeoutMs = 10000;
constexpr int kByeTimeoutMs = 2000;  // for OK BYE when leaving
// With nothing heard for this long, a PING checks that the broker is still there: a broker
// host that vanished without a FIN would otherwise go unnoticed until the next command.
constexpr auto kKeepalive = std::chrono::seconds(60);

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

int Lobby::run() {
  install_lobby_signals();
  console_->start_editing();
  if (console_->interactive()) show_help();
  update_prompt();
  while (!done_) {
    if (take_quit_signal()) {
      leave(0);
      break;
    }
    if (take_continue_signal()) console_->resume_editing();
    handle_messages();
    if (done_) break;

    pollfd fds[2] = {{0, POLLIN, 0}, {-1, POLLIN, 0}};
    if (online()) fds[1].fd = s_->conn.fd();
    int n = ::poll(fds, 2, poll_timeout_ms());
    if (n < 0) {
      if (errno == EINTR) continue;  // a signal: its flag is checked at the top
      console_->fatal(std::string("poll failed: ") + std::strerror(errno));
      leave(1);
      break;
    }
    if (fds[1].fd >= 0 && fds[1].revents != 0) {
      std::string why;
      if (s_->conn.read_available(&why)) {
        last_traffic_ = Clock::now();
      } else {
        lost(why);
      }
    }
    if (fds[0].revents != 0) {
      std::string line;
      switch (console_->read_input(&line)) {
        case LobbyConsole::Input::kLine:
          handle_line(line);
          console_->show_prompt();  // Enter took the prompt off the screen
          break;
        case LobbyConsole::Input::kPending:
          break;
        case LobbyConsole::Input::kEof:
        case LobbyConsole::Input::kError:
          leave(0);
          break;
      }
    }
    if (done_) break;
    if (reconnector_.due(Clock::now())) {
      reconnect_step();
    } else if (online() && Clock::now() - last_traffic_ >= kKeepalive) {
      keepalive();
    }
  }
  console_->stop_editing();
  return status_;
}

int Lobby::poll_timeout_ms() const {
  Clock::time_point wake =
      reconnector_.active() ? reconnector_.next_attempt() : last_traffic_ + kKeepalive;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, 60000));
}

// ---- Input ----

void Lobby::handle_line(const std::string& line) {
  LobbyCommand cmd = parse_lobby_command(line);
  if (awaiting_arg_ != LobbyCommandKind::kEmpty) {
    LobbyCommandKind kind = std::exchange(awaiting_arg_, LobbyCommandKind::kEmpty);
    bool answers_request =
        (cmd.kind == LobbyCommandKind::kYes || cmd.kind == LobbyCommandKind::kNo) &&
        !incoming_.empty();
    if (!answers_request) {
      std::string arg = trim(line);
      if (!arg.empty()) run_command(kind, arg);
      update_prompt();
      return;
    }
  }
  if (needs_argument(cmd.kind) && cmd.arg.empty()) {
    awaiting_arg_ = cmd.kind;
    console_->print(
        cmd.kind == LobbyCommandKind::kChat ? "chat with which user?" : "info on which user?",
        Style::kQuestion);
    update_prompt();
    return;
  }
  run_command(cmd.kind, cmd.arg);
  if (cmd.kind == LobbyCommandKind::kUnknown) {
    console_->print("unknown command: " + printable(cmd.word) + " — type help for the list",
                    Style::kError);
  }
  update_prompt();
}

void Lobby::run_command(LobbyCommandKind kind, const std::string& arg) {
  bool needs_broker = kind == LobbyCommandKind::kUsers || kind == LobbyCommandKind::kInfo ||
                      kind == LobbyCommandKind::kChat;
  if (needs_broker && !online()) {
    console_->print("not connected to the broker — reconnecting", Style::kError);
    return;
  }
  switch (kind) {
    case LobbyCommandKind::kEmpty:
    case LobbyCommandKind::kUnknown:
      break;
    case LobbyCommandKind::kUsers:
      show_users();
      break;
    case LobbyCommandKind::kInfo:
      show_info(arg);
      break;
    case LobbyCommandKind::kChat:
      ask_chat(arg);
      break;
    case LobbyCommandKind::kHelp:
      show_help();
      break;
    case LobbyCommandKind::kQuit:
      leave(0);
      break;
    case LobbyCommandKind::kYes:
      answer(true);
      break;
    case LobbyCommandKind::kNo:
      answer(false);
      break;
  }
}

void Lobby::say_no_such_user(const std::string& user) {
  console_->print(printable(user) + ": no such user", Style::kError);
}

void Lobby::show_help() {
  for (const std::string& l : menu_lines(console_->interactive())) console_->print(l);
}

void Lobby::show_users() {
  BrokerConn::Reply r = request("USERS\n", "USERS");
  if (!r.ok) return;
  if (r.head.kind == BrokerMessage::Kind::kErr) {
    console_->print("cannot list users: " + printable(r.head.reason), Style::kError);
    return;
  }
  size_t n = r.body.size();
  console_->print(std::to_string(n) + (n == 1 ? " user online:" : " users online:"), Style::kTitle);
  for (const BrokerMessage& m : r.body) {
    UserEntry u;
    if (!parse_user_line(m, &u)) continue;
    std::string line = "  " + u.name + "  " + host_port(u.ip, u.port);
    if (u.name == s_->options.user) line += "  (you)";
    console_->print(line);
  }
}

void Lobby::show_info(const std::string& user) {
  if (!valid_user_name(user)) {
    say_no_such_user(user);
    return;
  }
  BrokerConn::Reply r = request(LineWriter("INFO").field(user).str());
  if (!r.ok) return;
  UserEntry u;
  if (parse_info_reply(r.head, &u)) {
    console_->print(u.name + " is at " + host_port(u.ip, u.port));
  } else if (r.head.kind == BrokerMessage::Kind::kErr && r.head.code == 404) {
    say_no_such_user(user);
  } else {
    console_->print("info failed: " + printable(r.head.reason), Style::kError);
  }
}

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
      if (e.user != me) console_->print("* " + e.user + " left", Style::kNotice);
      break;
    case BrokerEvent::Type::kChatRequest:
    case BrokerEvent::Type::kChatAccepted:
    case BrokerEvent::Type::kChatDeclined:
    case BrokerEvent::Type::kChatCancelled:
      handle_chat_event(e);
      break;
    case BrokerEvent::Type::kShutdown:
      console_->print("the broker is shutting down", Style::kError);
      break;
    case BrokerEvent::Type::kShares:
    case BrokerEvent::Type::kOther:
      break;  // shared files come with their own issue
  }
}

// ---- The broker link ----

BrokerConn::Reply Lobby::request(const std::string& line, std::string_view body_word) {
  BrokerConn::Reply r = s_->conn.request(line, kRequestTimeoutMs, body_word);
  if (r.ok) {
    last_traffic_ = Clock::now();
  } else {
    lost(r.error);
  }
  return r;
}

void Lobby::keepalive() {
  last_traffic_ = Clock::now();  // one PING per quiet period, even if it fails
  (void)request("PING\n");
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
  incoming_.clear();
  outgoing_.reset();
  if (s_->options.reconnect_attempts <= 0) {  // --reconnect-attempts 0: no second chances
    leave(1);
    return;
  }
  reconnector_.start(Clock::now());
  update_prompt();
}

void Lobby::reconnect_step() {
  const ClientOptions& opt = s_->options;
  Reconnector::Outcome r =
      reconnector_.attempt(&s_->conn, opt.host, opt.port, s_->identity, Clock::now());
  switch (r.kind) {
    case Reconnector::Outcome::Kind::kRegistered:
      s_->observed_ip = r.ip;
      last_traffic_ = Clock::now();
      console_->print(registered_line(opt.user, opt.host, opt.port), Style::kGood);
      update_prompt();
      break;
    case Reconnector::Outcome::Kind::kRetry:
      console_->print("reconnect attempt " + std::to_string(r.attempt) + " of " +
                          std::to_string(reconnector_.max_attempts()) + " failed: " + r.why,
                      Style::kError);
      break;
    case Reconnector::Outcome::Kind::kGiveUp:
      console_->fatal("could not reconnect to the broker at " + host_port(opt.host, opt.port) +
                      " after " + std::to_string(r.attempt) + " attempts (" + r.why +
                      ") — giving up");
      leave(1);
      break;
  }
}

void Lobby::leave(int status) {
  if (online()) s_->conn.bye(kByeTimeoutMs);
  s_->conn.close();
  console_->print("bye");
  status_ = status;
  done_ = true;
}

void Lobby::update_prompt() {
  std::string prompt = s_->options.user;
  if (reconnector_.active()) {
    prompt += " (offline)> ";
  } else if (awaiting_arg_ != LobbyCommandKind::kEmpty) {
    prompt = "user> ";
  } else if (!incoming_.empty()) {
    prompt = "accept " + incoming_.front().from + "? [y/n] ";
  } else {
    prompt += "> ";
  }
  console_->set_prompt(prompt);
}

}  // namespace peerlink
