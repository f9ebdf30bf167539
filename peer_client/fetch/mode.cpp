// `_peer_client --fetch`: downloads one file from one or several owners' file servers.
#include "peer_client/fetch/mode.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/base/io.h"
#include "common/base/secret_fd.h"
#include "common/fs/names.h"
#include "common/handoff/fetch_args.h"
#include "common/handoff/fetch_sources.h"
#include "common/handoff/identity_secret.h"
#include "common/term/stop_signals.h"
#include "peer_client/fetch/download.h"

namespace peerlink::peer_client {
namespace {

// Bound on the OWNER lines handed over (a WHOHAS reply holds at most 5000 lines of ~400 bytes).
constexpr size_t kMaxSourcesBytes = 4u << 20;

void say(const std::string& line) { (void)send_all(STDOUT_FILENO, line + "\n"); }

}  // namespace

int run_fetch_mode(int argc, char** argv) {
  // Stop signals arrive through a signalfd, so that the download can stop cleanly (blocks given
  // back, state saved) rather than die mid-write. Threads inherit the mask.
  StopSignals signals;
  ::signal(SIGPIPE, SIG_IGN);  // a vanished server or progress reader is an error, not death

  FetchArgs opt;
  const ArgsOutcome parsed = parse_fetch_args(std::vector<std::string>(argv, argv + argc), &opt);
  if (!parsed.go_on()) return parsed.report();
  std::string error;
  // The identity and the tickets are secrets: read and their descriptor closed before anything
  // else. The descriptor holds the IDENTITY line, then the OWNER lines.
  std::string sources_text;
  X25519KeyPair identity;
  if (opt.secret_fd < 0) {
    error = "the sources are needed: --secret-fd FD";
  } else {
    Expected<std::string> taken =
        take_secret_fd(opt.secret_fd, kIdentityLineBytes + kMaxSourcesBytes);
    Expected<IdentitySecret> split =
        taken ? split_identity_secret(*taken) : Expected<IdentitySecret>(taken.result());
    if (split) {
      identity = split->identity;
      sources_text = std::move(split->rest);
    } else {
      error = taken ? split.result().with_context("--secret-fd").message() : taken.message();
    }
  }
  if (!error.empty()) {
    std::fprintf(stderr, "_peer_client: %s\n", error.c_str());
    return 2;
  }
  const std::string name = sanitize_file_name(opt.name);

  std::vector<std::string> bad_lines;
  std::vector<FetchSource> all = parse_fetch_sources(sources_text, &bad_lines);
  for (const std::string& b : bad_lines) say("ignoring a source: " + b);
  std::vector<FetchSource> usable;
  for (FetchSource& s : all) {
    if (s.size != opt.size || s.sha256 != opt.sha256) {
      say("ignoring source " + s.owner + ": it shares other content under " + printable(s.file));
      continue;
    }
    usable.push_back(std::move(s));
  }

  if (signals.fd() < 0) {
    std::fprintf(stderr, "_peer_client: signalfd: %s\n", std::strerror(signals.error()));
    return 1;
  }
  Download download(opt, name, std::move(usable), signals.fd(), identity);
  return download.run();
}

}  // namespace peerlink::peer_client
