// _s: the peerlink broker. Parses options and runs a Broker.
#include <signal.h>

#include <cstdio>

#include "common/net/net.h"
#include "common/term/stop_signals.h"
#include "server/broker.h"
#include "server/options.h"

using namespace peerlink;
using namespace peerlink::broker;

int main(int argc, char** argv) {
  BrokerOptions options;
  const ArgsOutcome parsed = parse_broker_options(argc, argv, &options);
  if (!parsed.go_on()) return parsed.report();
  ::signal(SIGPIPE, SIG_IGN);
  // SIGINT/SIGTERM are read from a signalfd inside the loop. Not SIGHUP: a broker started under
  // nohup keeps ignoring it, and one on a terminal still ends when the terminal goes.
  StopSignals signals({SIGINT, SIGTERM});
  raise_fd_limit();

  Broker broker(options, &signals);
  if (const Result started = broker.start(); !started) {
    std::fprintf(stderr, "_s: %s\n", started.message().c_str());
    return 1;
  }
  std::printf("peerlink broker listening on %s\n", broker.listen_address().c_str());
  std::printf("broker key fingerprint %s\n", broker.fingerprint().c_str());
  std::fflush(stdout);
  return broker.run();
}
