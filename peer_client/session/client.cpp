// _peer_client in session mode: connect to the paired peer, run the session, return to the lobby.
#include "peer_client/session/client.h"

#include <string>

#include "common/handoff/lobby_exec.h"
#include "common/net/net.h"
#include "common/session/session.h"
#include "common/session/start.h"
#include "common/session/vouched_key.h"
#include "common/term/interrupted.h"
#include "common/term/stop_signals.h"
#include "common/term/terminal.h"
#include "common/wire/frame.h"
#include "peer_client/session/connect.h"

namespace peerlink::peer_client {

void SessionClient::run() {
  SessionStart start(args_.secret_fd);  // first: secret, stop signals, SIGPIPE, console
  const Result& taken = start.taken;
  const std::string& token = start.token;
  StopSignals& signals = start.signals;
  Console& console = start.console;
  // Ctrl-C while connecting: back to the lobby at once, as cleanly as /quit.
  const auto leave_if_interrupted = [&] {
    if (const int signo = signals.take(); signo != 0) {
      end_line_after_ctrl_c(signo, &console);
      leave_session(args_, &signals, true, interrupted_reason(signo), &console);
    }
  };
  if (!taken) {
    leave_session(args_, &signals, false, taken.message(), &console);
  }
  const Expected<X25519Key> peer_key = parse_vouched_key(args_.peer_key);
  if (!peer_key) {
    leave_session(args_, &signals, false, "--peer-key: " + peer_key.message(), &console);
  }

  const std::string where = host_port(args_.host, args_.port);
  console.line("connecting to " + args_.peer + " at " + where);
  Expected<UniqueFd> conn = connect_with_backoff(
      args_.host, args_.port, std::chrono::seconds(args_.connect_timeout_seconds), signals.fd());
  if (!conn.ok()) {
    leave_if_interrupted();
    leave_session(args_, &signals, false,
                  "could not connect to " + args_.peer + ": " + conn.message(), &console);
  }
  const auto could_not_join = [&](const std::string& why) {
    conn->reset();
    leave_if_interrupted();
    leave_session(args_, &signals, false,
                  "could not join " + args_.peer + " at " + where + ": " + why, &console);
  };
  // The peer's key is checked before ours is revealed and before the token is sent.
  Expected<std::unique_ptr<NoiseChannel>> channel = secure_session(
      conn->get(), start.identity, *peer_key, args_.peer, kWelcomeTime, signals.fd());
  if (!channel) could_not_join(channel.message());
  FrameDecoder decoder;
  const Expected<std::string> welcome_name =
      client_handshake(channel->get(), token, args_.user, kWelcomeTime, &decoder, signals.fd());
  if (!welcome_name) could_not_join(welcome_name.message());

  Session::End end;
  {
    Session::Config config;
    config.own_name = args_.user;
    config.peer_name = args_.peer;
    config.downloads = args_.downloads;
    config.share = args_.share;
    config.accepting_side = false;
    config.signals = &signals;
    Session session(std::move(*conn), std::move(*channel), std::move(decoder), config, &console);
    end = session.run();
  }  // the socket closes here, before the lobby starts
  leave_session(args_, &signals, end.clean, end.reason, &console);
}

}  // namespace peerlink::peer_client
