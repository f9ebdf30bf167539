// The lobby: the poll loop, typed commands, broker events, leaving, and the hand-off.
#include "client/lobby/lobby.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "client/keys/config_dir.h"
#include "client/lobby/completions.h"
#include "client/lobby/files.h"
#include "client/lobby/menu.h"
#include "client/lobby/messages.h"
#include "client/lobby/run_state.h"
#include "client/lobby/signals.h"
#include "common/fs/names.h"
#include "common/wire/broker_words.h"
#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

// Slots of the poll set before the downloads' pipes.
constexpr size_t kStdinSlot = 0;
constexpr size_t kBrokerSlot = 1;
constexpr size_t kScanSlot = 2;
constexpr size_t kHeldSlot = 3;
constexpr size_t kSignalSlot = 4;
constexpr size_t kDownloadSlots = 5;

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Lobby::Lobby(LobbyConsole* console, LobbySetup setup)
    : console_(console),
      options_(std::move(setup.options)),
      link_(console, options_, std::move(setup.conn), setup.identity, std::move(setup.observed_ip)),
      directory_(console, &link_, options_.user, options_.bytes),
      prompts_(console, &link_, options_.user),
      chat_(console, &link_, &prompts_, &directory_, options_,
            [this](const std::function<std::string()>& exec) { hand_off(exec); }),
      shared_(console, &link_, options_, std::move(setup.file_listener), setup.identity.key,
              setup.identity.keys),
      downloads_(console, &link_, &directory_, options_, setup.identity.keys),
      offers_(console, &link_, &prompts_, &directory_, &shared_, &downloads_, options_) {
  link_.set_callbacks(link_callbacks());
  prompts_.set_answerers([this](const Question& q, bool yes) { chat_.answer(q, yes); },
                         [this](const Question& q, bool yes) { offers_.answer(q, yes); });
}

int Lobby::run() {
  install_lobby_signals();
  install_completions();
  console_->start_editing();
  const bool back = take_run_state_back();
  if (console_->interactive()) {
    // The full menu at the start of a run and on `help`, not every time a session ends.
    if (back) {
      console_->print("back in the lobby — type help for the commands");
    } else {
      show_help();
    }
  }
  shared_.start();
  downloads_.load_paused();  // registered by now: downloads a chat session paused can be asked for
  prompts_.update();
  std::vector<pollfd> fds;
  while (!done_) {
    drain_lobby_signal_fd();  // before the flags: a signal from now on leaves a byte for poll()
    if (take_quit_signal()) {
      leave(0);
      break;
    }
    if (take_continue_signal()) console_->resume_editing();
    if (take_resize_signal()) console_->show_prompt();  // at the new width
    handle_messages();
    if (done_) break;

    fds.assign({{waiting_ == Waiting::kNo ? 0 : -1, POLLIN, 0},  // a wait reads nothing
                {-1, POLLIN, 0},
                {shared_.wake_fd(), POLLIN, 0},
                {downloads_.held_check_fd(), POLLIN, 0},
                {lobby_signal_fd(), POLLIN, 0}});
    fds[kBrokerSlot].fd = link_.poll_fd();
    downloads_.add_poll_fds(&fds);
    int n = ::poll(fds.data(), fds.size(), poll_timeout_ms());
    if (n < 0 || fds[kSignalSlot].revents != 0) {
      if (n > 0 || errno == EINTR) continue;  // a signal: its flag is checked at the top
      console_->fatal(std::string("poll failed: ") + std::strerror(errno));
      leave(1);
      break;
    }
    if (fds[kBrokerSlot].fd >= 0 && fds[kBrokerSlot].revents != 0) link_.on_readable();
    if (fds[kScanSlot].revents != 0) shared_.on_scan_ready();
    if (fds[kHeldSlot].revents != 0) downloads_.on_held_check();
    downloads_.handle(fds, kDownloadSlots);
    if (fds[kStdinSlot].fd >= 0 && fds[kStdinSlot].revents != 0) {
      std::string line;
      switch (console_->read_input(&line)) {
        case LobbyConsole::Input::kLine: {
          const size_t errors_before = console_->error_lines();
          handle_line(line);
          count_failures(errors_before);
          console_->show_prompt();  // Enter took the prompt off the screen
          break;
        }
        case LobbyConsole::Input::kPending:
          break;
        case LobbyConsole::Input::kEof:
          quit(false);
          break;
        case LobbyConsole::Input::kError:
          leave(0);
          break;
      }
    }
    if (done_) break;
    tick();
    if (done_) break;
    check_strict();
    if (waiting_ != Waiting::kNo && !done_) check_wait();
  }
  console_->stop_editing();
  if (status_ == 0 && scripted() && (failures_ > 0 || downloads_.failed_count() > 0)) return 1;
  return status_;
}

int Lobby::poll_timeout_ms() const {
  if (link_.online() && downloads_.resume_due())
    return 0;  // the next paused download to resume (tick)
  Clock::time_point wake = std::min(link_.next_wake(), shared_.next_poll());
  if (std::optional<Clock::time_point> expiry = prompts_.next_expiry()) {
    wake = std::min(wake, *expiry);
  }
  if (std::optional<Clock::time_point> deadline = downloads_.next_deadline()) {
    wake = std::min(wake, *deadline);
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
  long long ms = std::clamp<long long>(left.count() + 1, 0, 60000);
  if (int soon = downloads_.poll_timeout_ms(); soon >= 0) ms = std::min<long long>(ms, soon);
  return static_cast<int>(ms);
}

void Lobby::tick() {
  Clock::time_point now = Clock::now();
  link_.tick(now);
  if (done_) return;
  downloads_.tick(now);
  if (done_) return;
  shared_.tick(now);
  offers_.expire(now);
  prompts_.update();
}

// ---- Input ----

void Lobby::handle_line(const std::string& line) {
  LobbyCommand cmd = parse_lobby_command(line);
  if (prompts_.awaiting_argument()) {
    LobbyCommandKind kind = prompts_.take_awaited();
    bool answers_question =
        (cmd.kind == LobbyCommandKind::kYes || cmd.kind == LobbyCommandKind::kNo) &&
        prompts_.has_questions();
    if (!answers_question) {
      std::string arg = trim(line);
      if (!arg.empty()) run_command(kind, arg);
      prompts_.update();
      return;
    }
  }
  if (needs_argument(cmd.kind) && cmd.arg.empty()) {
    prompts_.ask_argument(cmd.kind);
    prompts_.update();
    return;
  }
  run_command(cmd.kind, cmd.arg);
  if (cmd.kind == LobbyCommandKind::kUnknown) {
    console_->print("unknown command: " + printable(cmd.word) + " — type help for the list",
                    Style::kError);
  }
  prompts_.update();
}

void Lobby::run_command(LobbyCommandKind kind, const std::string& arg) {
  using K = LobbyCommandKind;
  bool needs_broker = kind == K::kUsers || kind == K::kInfo || kind == K::kChat ||
                      kind == K::kFiles || kind == K::kSearch || kind == K::kGet ||
                      kind == K::kSend;
  if (needs_broker && !link_.online()) {
    console_->print("not connected to the broker — reconnecting", Style::kError);
    return;
  }
  switch (kind) {
    case K::kEmpty:
    case K::kUnknown:
      break;
    case K::kUsers:
      directory_.users();
      break;
    case K::kInfo:
      directory_.info(arg);
      break;
    case K::kChat:
      chat_.ask(arg);
      break;
    case K::kFiles:
      directory_.files(arg);
      break;
    case K::kSearch:
      directory_.search(arg);
      break;
    case K::kGet:
      downloads_.get(arg);
      break;
    case K::kSend:
      offers_.send(arg);
      break;
    case K::kShare:
      shared_.rescan();
      break;
    case K::kTransfers:
      for (const std::string& l : downloads_.status_lines()) console_->print(l);
      break;
    case K::kHelp:
      show_help();
      break;
    case K::kQuit:
      if (!arg.empty() && arg != "now") {
        console_->print("usage: quit [now]", Style::kError);
        break;
      }
      quit(arg == "now");
      break;
    case K::kWait:
      start_wait(Waiting::kForWait);
      break;
    case K::kYes:
      prompts_.answer(true);
      break;
    case K::kNo:
      prompts_.answer(false);
      break;
  }
}

void Lobby::install_completions() {
  if (!console_->interactive()) return;
  // Asked of the broker when Tab needs them (a bounded request, like any command's), so they are
  // as fresh as `users` and `files` would print; nothing when offline.
  const auto body = [this](std::string_view word) {
    std::vector<BrokerMessage> lines;
    if (!link_.online()) return lines;
    Expected<BrokerConn::Reply> r = link_.request(LineWriter(word).str(), word);
    if (r.ok() && r->head.kind != BrokerMessage::Kind::kErr) lines = std::move(r->body);
    return lines;
  };
  CompletionSources sources;
  sources.users = [body] {
    std::vector<std::string> names;
    for (const BrokerMessage& m : body(wire::request::kUsers)) {
      UserEntry u;
      if (parse_user_line(m, &u)) names.push_back(u.name);
    }
    return names;
  };
  sources.remote_files = [body] {
    std::vector<std::string> names;
    for (const BrokerMessage& m : body(wire::request::kFiles)) {
      FileEntry f;
      if (parse_file_line(m, &f)) names.push_back(f.name);
    }
    return names;
  };
  sources.local_files = [this] {
    std::vector<std::string> names;
    for (const ShareEntry& e : shared_.files()) names.push_back(e.name);
    return names;
  };
  console_->set_completer([sources = std::move(sources)](std::string_view before) {
    return complete_lobby_line(before, sources);
  });
}

void Lobby::show_help() {
  for (const std::string& l : menu_lines(console_->interactive())) console_->print(l);
}

void Lobby::leave(int status) {
  // Downloads stop first (their .part stays for `get` to resume), then the file server.
  downloads_.stop("stopped");
  shared_.stop();
  link_.leave();
  console_->print("bye");
  status_ = status;
  done_ = true;
}

// ---- Scripts ----

void Lobby::quit(bool now) {
  // A script's downloads are part of what it asked for: quitting waits for them, unless told not
  // to. On a terminal the user sees them stop, and `get` resumes them later.
  if (now || options_.no_wait || !scripted()) {
    leave(0);
    return;
  }
  start_wait(Waiting::kForQuit);
}

void Lobby::start_wait(Waiting why) {
  waited_ = downloads_.running_names();
  if (waited_.empty()) {
    if (why == Waiting::kForQuit) {
      leave(0);
    } else {
      console_->print("no downloads running");
    }
    return;
  }
  waiting_ = why;
  const size_t n = waited_.size();
  const std::string count = std::to_string(n) + (n == 1 ? " download" : " downloads");
  console_->print(why == Waiting::kForQuit
                      ? "waiting for " + count + " before quitting (quit now would stop them)"
                      : "waiting for " + count,
                  Style::kNotice);
}

void Lobby::check_wait() {
  for (const std::string& name : waited_) {
    if (downloads_.running(name)) return;
  }
  size_t ok = 0;
  for (const std::string& name : waited_) ok += downloads_.finished(name) ? 1 : 0;
  const size_t n = waited_.size();
  console_->print(
      (n == 1 ? "the download ended: " : "all " + std::to_string(n) + " downloads ended: ") +
          std::to_string(ok) + " downloaded, " + std::to_string(n - ok) + " failed",
      ok == n ? Style::kGood : Style::kNotice);
  const Waiting why = waiting_;
  waiting_ = Waiting::kNo;
  waited_.clear();
  if (why == Waiting::kForQuit) {
    leave(0);
  } else {
    prompts_.update();
    console_->show_prompt();
  }
}

void Lobby::count_failures(size_t errors_before) {
  if (scripted() && console_->error_lines() > errors_before) ++failures_;
  check_strict();
}

void Lobby::check_strict() {
  if (done_ || !options_.strict || !scripted()) return;
  const size_t failed_downloads = downloads_.failed_count();
  if (failures_ == 0 && failed_downloads == downloads_failed_seen_) return;
  downloads_failed_seen_ = failed_downloads;
  console_->fatal(failures_ > 0 ? "stopping at the first failed command (--strict)"
                                : "stopping at the first failed download (--strict)");
  leave(1);
}

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
  const std::string& me = options_.user;
  switch (e.type) {
    case BrokerEvent::Type::kJoin:
      if (e.user == me) break;
      console_->print("* " + e.user + " joined", Style::kNotice);
      // Merged with its first SHARES (docs/PROTOCOL.md, "Events"): said as before.
      if (e.has_count && e.count > 0) {
        console_->print("* " + e.user + " shares " + files_count(e.count), Style::kNotice);
        downloads_.owners_changed();
      }
      break;
    case BrokerEvent::Type::kLeave:
      if (e.user == me) break;
      console_->print("* " + e.user + " left", Style::kNotice);
      offers_.withdraw_from(e.user);
      break;
    case BrokerEvent::Type::kBusy:
      if (e.user == me) break;
      console_->print("* " + e.user + " is " + in_a_chat_with(e.partner), Style::kNotice);
      offers_.withdraw_from(e.user);  // its lobby is gone for now, with what it offered
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
    case BrokerEvent::Type::kChanges: {
      // Many users came or went at once (docs/PROTOCOL.md, "Batches"): said in one line.
      const auto& n = e.changes;
      std::string text = "* " + std::to_string(n[0]) + " joined, " + std::to_string(n[1]) +
                         " left, " + std::to_string(n[2]) + " in a chat, " + std::to_string(n[3]) +
                         " changed their shares; 'users' and 'files' show the current state";
      console_->print(text, Style::kNotice);
      downloads_.owners_changed();
      break;
    }
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

// ---- The hand-off ----

void Lobby::hand_off(const std::function<std::string()>& exec) {
  before_exec();
  console_->stop_editing();
  link_.say_bye();
  std::string failure = exec();
  console_->start_editing();
  console_->print(failure, Style::kError);
  after_failed_exec();
  link_.begin_reconnect();
}

bool Lobby::take_run_state_back() {
  Expected<std::string> dir = config_dir_path();
  if (!dir) return false;
  Expected<std::optional<RunState>> state = take_run_state(*dir);
  if (!state) {
    console_->print("ignoring what the lobby kept through the session: " + state.message(),
                    Style::kError);
    return false;
  }
  if (!*state) return false;
  downloads_.set_history(std::move((*state)->transfers));
  return true;
}

void Lobby::save_run_state_for_exec() {
  Expected<std::string> dir = config_dir();
  Result saved = dir ? save_run_state(*dir, RunState{process_identity(),
                                                     downloads_.history_lines(kMaxRunHistoryLines)})
                     : dir.result();
  if (!saved) {
    console_->print("the transfers list will start empty after the session: " + saved.message(),
                    Style::kError);
  }
}

void Lobby::before_exec() {
  // The peer program cannot follow our children: downloads stop (resumable, and listed in the
  // pause file so the next lobby resumes them), the file server stops (HANDOFF.md), and a scan in
  // progress is finished rather than cut off mid-write. The lobby that comes back after the
  // session starts all of it again.
  downloads_.pause();
  shared_.pause();
  save_run_state_for_exec();  // after pause(): the downloads it stopped are not history
}

void Lobby::after_failed_exec() {
  if (Expected<std::string> dir = config_dir_path(); dir) (void)remove_run_state(*dir);
  shared_.resume();
  downloads_.load_paused();  // what pause() just wrote: resumed once the broker is back
}

}  // namespace peerlink::lobby
