// `_peer_server --serve`: serves the shared folder to ticket holders, many at once.
#include "peer_server/serve/mode.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/base/fd.h"
#include "common/base/log.h"
#include "common/base/secret_fd.h"
#include "common/handoff/identity_secret.h"
#include "common/handoff/serve_args.h"
#include "common/net/net.h"
#include "common/term/stop_signals.h"
#include "common/wire/broker_limits.h"
#include "peer_server/serve/open.h"
#include "peer_server/serve/server.h"
#include "peer_server/serve/throttle.h"

namespace peerlink::peer_server {
namespace {

int setup_error(const std::string& message) {
  std::fprintf(stderr, "_peer_server: %s\n", message.c_str());
  return 2;
}

// Reads the identity line and the ticket key from their descriptor and closes it, so that nothing
// exec'd later inherits it. Fails when it is missing, has no identity line, or the key is not 64
// hex digits.
Expected<IdentitySecret> take_secrets(int secret_fd) {
  if (secret_fd < 0) return Result::failure("the ticket key is needed: --secret-fd N");
  constexpr size_t kKeyChars = 2 * wire::kTicketKeyBytes;  // as the lobby registered it
  Expected<std::string> text = take_secret_fd(secret_fd, kIdentityLineBytes + kKeyChars);
  if (!text) return text.result();
  Expected<IdentitySecret> secrets = split_identity_secret(*text);
  if (!secrets) return secrets.result().with_context("--secret-fd");
  const std::string& key = secrets->rest;
  if (key.size() == kKeyChars &&
      key.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos)
    return secrets;
  return Result::failure("the ticket key (--secret-fd) must hold 64 hex digits");
}

bool is_listening_socket(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening != 0;
}

}  // namespace

int run_serve_mode(int argc, char** argv) {
  // From here on the stop signals arrive through a signalfd, including the SIGTERM that
  // PR_SET_PDEATHSIG sends; blocking them first means none can kill us half set up. Threads
  // started later inherit the mask.
  StopSignals signals;
  ::signal(SIGPIPE, SIG_IGN);  // a send() to a vanished peer must fail, not kill us

  ServeArgs opt;
  const ArgsOutcome parsed = parse_serve_args(std::vector<std::string>(argv, argv + argc), &opt);
  if (!parsed.go_on()) return parsed.report();
  // The secrets' descriptor is closed before anything else can go wrong.
  Expected<IdentitySecret> secrets = take_secrets(opt.secret_fd);

  if (opt.parent_pid != 0) {
    // Set the death signal, then check the parent: if it died before prctl() took effect we are
    // already orphaned and the signal will never come.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != opt.parent_pid) {
      std::fprintf(stderr, "_peer_server: parent %d is gone; not serving\n",
                   static_cast<int>(opt.parent_pid));
      return 0;
    }
  }
  if (!secrets) return setup_error(secrets.message());

  ShareDir share_dir;
  if (const Result opened = share_dir.open(opt.share); !opened)
    return setup_error(opened.message());

  Logger log;
  if (!opt.log.empty()) {
    if (const Result opened = log.open(opt.log); !opened) return setup_error(opened.message());
  }

  UniqueFd listener;
  if (opt.use_port) {
    Expected<UniqueFd> r = listen_tcp(opt.bind, opt.port);
    if (!r.ok()) return setup_error(r.message());
    listener = std::move(*r);
  } else {
    listener.reset(opt.listen_fd);
    if (!is_listening_socket(listener.get())) {
      listener.release();  // not ours to close: it is not what we were promised
      return setup_error("--listen-fd " + std::to_string(opt.listen_fd) +
                         " is not a listening socket");
    }
    set_cloexec(listener.get(), true);  // inherited across exec on purpose; not any further
  }
  const uint16_t port = local_port(listener.get());

  if (signals.fd() < 0)
    return setup_error(std::string("signalfd: ") + std::strerror(signals.error()));

  if (opt.use_port) {
    std::printf("serving %s on port %u\n", opt.share.c_str(), static_cast<unsigned>(port));
    std::fflush(stdout);
  }
  log.line("serving " + opt.share + " for " + opt.user + " on port " + std::to_string(port) +
           " (max " + std::to_string(opt.max_clients) + " clients" +
           (opt.max_rate > 0 ? ", max " + std::to_string(opt.max_rate) + " bytes/s" : "") + ")");

  ServeCounters counters;
  std::unique_ptr<RateLimiter> limiter;
  if (opt.max_rate > 0) limiter = std::make_unique<RateLimiter>(opt.max_rate);
  ServeContext ctx;
  ctx.share = opt.share;
  ctx.share_dir = &share_dir;
  ctx.owner = opt.user;
  ctx.key = secrets->rest;
  ctx.identity = &secrets->identity;
  ctx.log = &log;
  ctx.limiter = limiter.get();
  ctx.counters = &counters;
  ctx.idle_timeout_ms = opt.idle_timeout_ms;

  std::atomic<bool> stopping{false};
  {
    FileServer server(std::move(listener), std::move(ctx), opt.max_clients);
    server.run(signals.fd(), &stopping);
  }
  log.line("stopped: " + std::to_string(counters.connections.load()) + " connections, " +
           std::to_string(counters.requests.load()) + " requests, " +
           std::to_string(counters.served.load()) + " served, " +
           std::to_string(counters.refused.load()) + " refused, " +
           std::to_string(counters.bytes_sent.load()) + " bytes sent, " +
           std::to_string(counters.timed_out.load()) + " timed out, " +
           std::to_string(counters.dropped.load()) + " dropped unauthenticated");
  return 0;
}

}  // namespace peerlink::peer_server
