// _peer_server in session mode: wait for the paired peer, run the session, return to the lobby.
#include "peer_server/session/server.h"

#include <sys/socket.h>

#include <chrono>
#include <string>

#include "common/base/fd.h"
#include "common/handoff/lobby_exec.h"
#include "common/net/net.h"
#include "common/session/session.h"
#include "common/session/start.h"
#include "common/session/vouched_key.h"
#include "common/term/interrupted.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"
#include "common/wire/frame.h"
#include "peer_server/session/listener.h"

namespace peerlink::peer_server {
namespace {

bool is_listening_socket(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening != 0;
}

}  // namespace

void SessionServer::run() {
  SessionStart start(args_.secret_fd);  // first: secret, stop signals, SIGPIPE, console
  const Result& taken = start.taken;
  const std::string& token = start.token;
  StopSignals& signals = start.signals;
  Console& console = start.console;

  UniqueFd listener(args_.listen_fd);
  // Inherited on purpose, but it must not outlive us into the lobby we exec at the end.
  set_cloexec(listener.get(), true);
  if (!taken) {
    leave_session(args_, &signals, false, taken.message(), &console);
  }
  if (!is_listening_socket(listener.get())) {
    leave_session(args_, &signals, false,
                  "--listen-fd " + std::to_string(args_.listen_fd) + " is not a listening socket",
                  &console);
  }

  const Expected<X25519Key> peer_key = parse_vouched_key(args_.peer_key);
  if (!peer_key) {
    leave_session(args_, &signals, false, "--peer-key: " + peer_key.message(), &console);
  }

  console.line("waiting for " + args_.peer + " on port " +
               std::to_string(local_port(listener.get())));
  const auto deadline = SessionListener::Clock::now() + std::chrono::seconds(args_.wait_seconds);
  SessionListener waiter(std::move(listener), token, args_.user, {start.identity, *peer_key},
                         &console);
  Expected<SessionListener::Accepted> accepted = waiter.wait(deadline, signals.fd());
  if (accepted.status() == Status::kTimeout) {
    leave_session(
        args_, &signals, false,
        args_.peer + " did not connect within " + std::to_string(args_.wait_seconds) + " s",
        &console);
  }
  if (!accepted && accepted.status() == Status::kCancelled) {
    // The user gave up waiting: as clean an end as /quit.
    const int signo = signals.take();
    end_line_after_ctrl_c(signo, &console);
    leave_session(args_, &signals, true, interrupted_reason(signo), &console);
  }
  if (!accepted) {
    leave_session(args_, &signals, false,
                  "cannot wait for " + args_.peer + ": " + accepted.message(), &console);
  }

  Session::End end;
  {
    Session::Config config;
    config.own_name = args_.user;
    config.peer_name = args_.peer;
    config.downloads = args_.downloads;
    config.share = args_.share;
    config.accepting_side = true;
    config.signals = &signals;
    FrameDecoder decoder;
    decoder.append(accepted->after_hello.data(), accepted->after_hello.size());
    Session session(std::move(accepted->fd), std::move(accepted->channel), std::move(decoder),
                    config, &console);
    end = session.run();
  }  // the socket closes here, before the lobby starts
  leave_session(args_, &signals, end.clean, end.reason, &console);
}

}  // namespace peerlink::peer_server
