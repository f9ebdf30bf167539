// The lobby's file server.
#include "client/sharing/serve_child.h"

#include <unistd.h>

#include "common/base/self_path.h"
#include "common/handoff/identity_secret.h"
#include "common/handoff/serve_args.h"

namespace peerlink::lobby {
namespace {

// A server that ran at least this long before it stopped is restarted; one that dies sooner
// has a problem a restart will not fix.
constexpr auto kRestartAfter = std::chrono::seconds(10);

}  // namespace

Result ServeChild::start() {
  if (child_.running()) return {};
  ChildSpec spec;
  spec.path = sibling_program("_peer_server");
  ServeArgs args;
  args.listen_fd = config_.listen_fd;
  args.share = config_.share;
  args.user = config_.user;
  args.parent_pid = ::getpid();
  args.log = config_.log;
  args.max_rate = config_.max_rate;
  spec.argv = args.to_argv();  // the keys' --secret-fd is added by the child's start
  spec.secret = join_identity_secret(config_.identity, config_.key);
  spec.inherit_fd = config_.listen_fd;
  if (Result started = child_.start(spec); !started) return started;
  started_ = std::chrono::steady_clock::now();
  return {};
}

void ServeChild::stop() { child_.stop(); }

std::optional<std::string> ServeChild::check() {
  if (!child_.running() || !child_.poll_exit()) return std::nullopt;
  return child_.describe_status();
}

bool ServeChild::worth_restarting() const {
  return std::chrono::steady_clock::now() - started_ >= kRestartAfter;
}

}  // namespace peerlink::lobby
