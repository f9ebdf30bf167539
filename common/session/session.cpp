// A chat session between two peers: chat lines both ways and confirm-before-send file transfers.
#include "common/session/session.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs/names.h"
#include "common/fs/part_file.h"
#include "common/net/keepalive.h"
#include "common/net/net.h"
#include "common/session/commands.h"
#include "common/session/source.h"
#include "common/term/interrupted.h"
#include "common/term/stdin_lines.h"
#include "common/term/terminal_mode.h"
#include "common/term/window_changes.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"

namespace peerlink {
namespace {

void make_pipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // then waking is best effort
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
}

void drain_pipe(int fd) {
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

const char* frame_name(uint8_t type) {
  switch (type) {
    case wire::kHello:
      return "HELLO";
    case wire::kWelcome:
      return "WELCOME";
    case wire::kGet:
      return "GET";
    case wire::kRange:
      return "RANGE";
    default:
      return "unknown";
  }
}

}  // namespace

Session::Session(UniqueFd socket, std::unique_ptr<NoiseChannel> channel, FrameDecoder decoder,
                 Config config, Console* console)
    : socket_(std::move(socket)),
      channel_(std::move(channel)),
      decoder_(std::move(decoder)),
      config_(std::move(config)),
      prompt_("[" + config_.peer_name + "] "),
      console_(console),
      sender_(channel_.get(), console, config_.peer_name, config_.accepting_side ? 2 : 1),
      receiver_(&sender_, console, config_.peer_name, config_.downloads) {
  make_pipe(&wake_read_, &wake_write_);
  make_pipe(&stop_read_, &stop_write_);
  set_nodelay(socket_.get());  // chat lines must not wait for Nagle
  // Nor behind megabytes of file data in the socket's send buffer: with the unsent part capped
  // at two chunks (sealed, each a little bigger), the chat round trip during a 1 GiB transfer fell
  // from 5.5-7.2 ms to 1.4-3.6 ms (session_bench; docs/SESSION.md).
  set_unsent_limit(socket_.get(), kUnsentLimit);
  // Nor behind megabytes in our receive buffer when we are the slower side (decrypting, writing
  // to disk): a fixed buffer bounds what can queue ahead of a chat line (docs/SESSION.md).
  const int rcvbuf = kReceiveBuffer;
  (void)::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  set_keepalive(socket_.get());  // a peer that vanishes without closing is noticed
}

Session::~Session() {
  // run() joins everything; this covers a Session destroyed without running.
  sender_.stop();
  if (input_thread_.joinable()) {
    (void)::write(stop_write_.get(), "x", 1);
    input_thread_.join();
  }
}

Session::End Session::run() {
  console_->set_conversation(true);
  // On a terminal the input thread edits the line itself; the mode is restored below, before the
  // caller execs the lobby, which then sets its own.
  TerminalMode mode(config_.input_fd);
  const bool editing = console_->terminal() && mode.enter_raw();
  console_->line("connected to " + config_.peer_name + " — type to chat; /send PATH, /quit, /help");
  // Before any transfer of ours starts: what a receiver killed earlier left (docs/SESSION.md).
  const size_t stale = remove_stale_session_parts(config_.downloads, kStaleSessionPartAge);
  if (stale != 0)
    console_->line("removed " + std::to_string(stale) + " unfinished .part file" +
                   (stale == 1 ? "" : "s") + " left in " + printable(config_.downloads) +
                   " by an earlier session");
  sender_.start([this](const std::string& error) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_error_ = error;
    }
    wake();
  });
  input_thread_ = std::thread([this, editing] { input_loop(editing); });

  const End end = receive_loop();

  stop_input();
  input_thread_.join();
  console_->hide_input();
  mode.restore();
  sender_.stop();
  const std::string why = end.connection_lost ? "connection lost" : "session ended";
  receiver_.fail_all(why);
  sender_.fail_all(why);
  return end;
}

void Session::wake() { (void)::write(wake_write_.get(), "x", 1); }

void Session::stop_input() { (void)::write(stop_write_.get(), "x", 1); }

// ---- receive thread ----

Session::End Session::receive_loop() {
  const std::string& peer = config_.peer_name;
  std::string plain;  // decrypted bytes of one receive()
  // Once set, we have sent (or queued) our last frame, BYE or ERROR: everything the peer still
  // sends is read and dropped until it closes or the drain time is up.
  std::optional<End> ending;
  auto drain_deadline = std::chrono::steady_clock::now();
  const auto start_draining = [&](End end) {
    ending = std::move(end);
    drain_deadline = std::chrono::steady_clock::now() + kDrainTime;
  };

  for (;;) {
    // Every complete frame buffered so far (the first time: what arrived with the handshake).
    while (!ending) {
      FrameView frame;  // DATA is written straight from the decoder's buffer
      const FrameDecoder::Result r = decoder_.next_view(&frame);
      if (r == FrameDecoder::Result::kNeedMore) break;
      Outcome outcome;
      if (r == FrameDecoder::Result::kTooLarge) {
        outcome = violation("frame too large");
      } else if (r == FrameDecoder::Result::kBadType) {
        outcome = violation("unknown frame type");
      } else {
        outcome = handle_frame(frame);
      }
      if (outcome.kind == Outcome::Kind::kEnd) return outcome.end;
      if (outcome.kind == Outcome::Kind::kDrain) start_draining(outcome.end);
    }

    {  // news from the other threads
      std::lock_guard<std::mutex> lock(mu_);
      if (write_error_ && !ending)
        return End{false, true, "connection to " + peer + " lost: " + *write_error_};
      if (requested_end_ && !ending) start_draining(*requested_end_);
    }

    int timeout_ms = -1;
    if (ending) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          drain_deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return *ending;
      timeout_ms = static_cast<int>(left.count());
    }
    const int signal_fd = config_.signals != nullptr ? config_.signals->fd() : -1;
    pollfd fds[3] = {{socket_.get(), POLLIN, 0},
                     {wake_read_.get(), POLLIN, 0},
                     {signal_fd, POLLIN, 0}};  // poll skips it if -1
    const int n = ::poll(fds, 3, timeout_ms);
    if (n < 0 && errno != EINTR) return End{false, true, "poll failed"};
    if (n <= 0) continue;
    if (fds[1].revents != 0) drain_pipe(wake_read_.get());
    if (fds[2].revents != 0) {
      const int signo = config_.signals->take();
      // A second one while we wait for the peer to close: the user does not want to wait.
      if (ending) return *ending;
      if (signo != 0) {
        end_line_after_ctrl_c(signo, console_);
        // Exactly /quit, from this thread: input stops (what the user types next is for the
        // lobby), BYE is queued and the loop above starts draining. Input first, so nothing typed
        // after the peer sees BYE is taken.
        stop_input();
        request_end(End{true, false, interrupted_reason(signo)}, config_.own_name + " left");
      }
      continue;
    }
    if (fds[0].revents == 0) continue;

    plain.clear();
    const Result r = channel_->receive(&plain);
    if (!r.ok()) {
      if (ending) return *ending;  // the peer closed after our last frame, as it should
      {
        // Our BYE may have gone out and been answered by a close before the wake-up for it
        // arrived; requested_end_ is set before BYE is queued, so it tells.
        std::lock_guard<std::mutex> lock(mu_);
        if (requested_end_) return *requested_end_;
      }
      // A message that does not authenticate (tampered, replayed, reordered) lands here too: the
      // connection is closed at once, nothing more is sent on it.
      if (r.status() == Status::kClosed) return End{false, true, "connection to " + peer + " lost"};
      return End{false, true, "connection to " + peer + " lost: " + r.message()};
    }
    if (!ending) decoder_.append(plain.data(), plain.size());  // while draining, dropped unread
  }
}

Session::Outcome Session::violation(const std::string& reason) {
  sender_.queue_final(wire::kError, reason);
  return {Outcome::Kind::kDrain, End{false, false, "protocol error: " + reason}};
}

Session::Outcome Session::handle_frame(const FrameView& frame) {
  const std::string& peer = config_.peer_name;
  Result handled;
  switch (frame.type) {
    case wire::kChat:
      console_->chat(peer, printable(frame.payload), false);
      return {};
    case wire::kOffer:
      handled = receiver_.on_offer(frame.payload);
      break;
    case wire::kAccept:
    case wire::kDecline:
      return handle_answer(frame);
    case wire::kData:
      handled = receiver_.on_data(frame.payload);
      break;
    case wire::kDone:
      handled = receiver_.on_done(frame.payload);
      break;
    case wire::kCancel:
      return handle_cancel(frame);
    case wire::kBye:
      return {Outcome::Kind::kEnd, End{true, false, peer + " left"}};
    case wire::kError:
      return {Outcome::Kind::kEnd,
              End{false, false, peer + " reported an error: " + printable(frame.payload)}};
    default:
      handled = Result::failure(std::string("unexpected ") + frame_name(frame.type) + " frame");
      break;
  }
  if (handled) return {};
  return violation(handled.message());
}

Session::Outcome Session::handle_answer(const FrameView& frame) {
  const bool accept = frame.type == wire::kAccept;
  const std::string what = accept ? "ACCEPT" : "DECLINE";
  uint32_t id = 0;
  if (!decode_transfer_id(frame.payload, &id)) return violation("bad " + what + " payload");
  const SessionSender::Match m = accept ? sender_.on_accept(id) : sender_.on_decline(id);
  if (m == SessionSender::Match::kUnknown)
    return violation(what + " for unknown transfer " + std::to_string(id));
  return {};
}

Session::Outcome Session::handle_cancel(const FrameView& frame) {
  uint32_t id = 0;
  std::string reason;
  if (!decode_cancel(frame.payload, &id, &reason)) return violation("bad CANCEL payload");
  // Ids are unique across both directions (parity), so at most one of these knows the id. Ours
  // first: the sender knows exactly which ids it used, while the receiver counts every id below
  // the newest one it has forgotten as one of the peer's finished offers.
  if (sender_.on_cancel(id, reason) != SessionSender::Match::kUnknown) return {};
  if (!receiver_.on_cancel(id, reason))
    return violation("CANCEL for unknown transfer " + std::to_string(id));
  return {};
}

// ---- input thread ----

void Session::input_loop(bool editing) {
  LineEditor editor;
  const int window_fd = editing ? window_change_fd() : -1;
  if (editing) console_->set_input(prompt_, "", 0);
  for (;;) {
    pollfd fds[3] = {{config_.input_fd, POLLIN, 0},
                     {stop_read_.get(), POLLIN, 0},
                     {window_fd, POLLIN, 0}};  // poll skips it if -1
    const int n = ::poll(fds, 3, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || fds[1].revents != 0) return;
    if (fds[2].revents != 0 && take_window_change()) console_->redraw();  // the new width
    if (fds[0].revents == 0) continue;
    if (editing) {
      if (!edit_byte(&editor)) return;
      continue;
    }
    // Readable (or hung up): read_line_unbuffered takes exactly one line and nothing after it,
    // so whatever the user typed next is still there for the lobby we exec afterwards.
    std::string line;
    const Result r = read_line_unbuffered(config_.input_fd, &line);
    if (!r.ok()) {
      request_end(End{true, false, "input closed"}, "input closed");
      return;
    }
    handle_line(line);
    std::lock_guard<std::mutex> lock(mu_);
    if (requested_end_) return;
  }
}

bool Session::edit_byte(LineEditor* editor) {
  // One byte per read(2), as on a pipe: the bytes after the line that ends the session stay in
  // the terminal for the lobby.
  char c = 0;
  size_t got = 0;
  const Result r = recv_some(config_.input_fd, &c, 1, &got);
  if (!r.ok() && r.status() != Status::kClosed && r.error() == EAGAIN) return true;
  if (!r.ok()) {
    request_end(End{true, false, "input closed"}, "input closed");
    return false;
  }
  std::string echo, line;
  switch (editor->feed(c, &echo, &line)) {
    case LineEditor::Event::kNone:
    case LineEditor::Event::kList:  // no completion in a session
      return true;
    case LineEditor::Event::kEcho:
      console_->echo_input(echo, editor->buffer(), editor->cursor());
      return true;
    case LineEditor::Event::kRedraw:
      console_->set_input(prompt_, editor->buffer(), editor->cursor());
      return true;
    case LineEditor::Event::kEof:  // Ctrl-D on an empty line, as the end of a pipe
      request_end(End{true, false, "input closed"}, "input closed");
      return false;
    case LineEditor::Event::kLine:
      break;
  }
  console_->set_input(prompt_, "", 0);
  handle_line(line);
  std::lock_guard<std::mutex> lock(mu_);
  return !requested_end_;
}

void Session::handle_line(const std::string& line) {
  using Kind = SessionCommand::Kind;
  const SessionCommand cmd = parse_session_line(line, receiver_.offer_pending());
  switch (cmd.kind) {
    case Kind::kEmpty:
      return;
    case Kind::kChat:
      if (!sender_.queue(wire::kChat, cmd.text)) {
        console_->line("not sent: the session is closing", Console::Tone::kError);
      } else {
        console_->chat(config_.own_name, printable(cmd.text), true);  // terminal only
      }
      return;
    case Kind::kSend:
      if (cmd.text.empty()) {
        console_->line("usage: /send PATH", Console::Tone::kError);
      } else {
        offer_file(cmd.text);
      }
      return;
    case Kind::kQuit:
      request_end(End{true, false, "you left"}, config_.own_name + " left");
      return;
    case Kind::kHelp:
      console_->line("commands:\n" + session_help(config_.peer_name));
      return;
    case Kind::kAccept:
    case Kind::kDecline:
      receiver_.answer_oldest(cmd.kind == Kind::kAccept);
      return;
    case Kind::kUnknown:
      console_->line("unknown command " + printable(cmd.text) + " — /help lists commands",
                     Console::Tone::kError);
      return;
  }
}

void Session::offer_file(const std::string& path) {
  // Nothing is hashed here (the input thread stays free to echo keys): the digest comes from the
  // shared folder's cache, or follows with DONE (docs/SESSION.md, "Digests").
  Expected<std::unique_ptr<SourceFile>> opened = SourceFile::open(path, config_.share);
  if (!opened) {
    console_->line("cannot send: " + printable(opened.message()), Console::Tone::kError);
    return;
  }
  std::unique_ptr<SourceFile> source = std::move(*opened);
  const std::string shown = printable(source->name());
  const uint64_t size = source->size();
  // The peer keeps at most this many of our offers open and declines the rest at once, and a
  // peer whose offers keep being declined is cut off as a flood: so a user who pastes many
  // /send lines is told to wait here instead of having the session ended.
  if (sender_.open_offers() >= TransferReceiver::kMaxOpenTransfers) {
    console_->line("not sent: " + std::to_string(TransferReceiver::kMaxOpenTransfers) +
                       " files are already offered to or on their way to " + config_.peer_name +
                       "; send " + shown + " again when one has finished",
                   Console::Tone::kError);
    return;
  }
  if (sender_.offer(std::move(source)) == 0) {
    console_->line("not sent: the session is closing", Console::Tone::kError);
    return;
  }
  console_->line("offered " + shown + " (" + console_->size_text(size) + ") to " +
                 config_.peer_name + ", waiting for an answer");
}

void Session::request_end(End end, const std::string& bye_text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (requested_end_) return;
    requested_end_ = std::move(end);
  }
  sender_.queue_final(wire::kBye, bye_text);
  wake();
}

}  // namespace peerlink
