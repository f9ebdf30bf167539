// The lobby's shared folder: scanning it (Shares), keeping the broker told what is in it
// (ANNOUNCE), and the background file server (ServeChild) that serves it to other peers.
#pragma once

#include <chrono>
#include <string>

#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/options.h"
#include "client/sharing/serve_child.h"
#include "client/sharing/shares.h"
#include "common/base/fd.h"
#include "common/crypto/x25519.h"

namespace peerlink::lobby {

// Owns the file server's listening socket (its port is the one registered; it stays bound for
// the lobby's whole life), the file server child and the scanner. Lobby thread only; announces
// through `link` (not owned), prints on `console` (not owned).
class SharedFolder {
 public:
  using Clock = std::chrono::steady_clock;

  // `key` is the ticket key and `identity` the user's static key pair, both for the file server.
  SharedFolder(LobbyConsole* console, BrokerLink* link, const ClientOptions& options,
               UniqueFd file_listener, const std::string& key, const X25519KeyPair& identity);

  // At the lobby's start: the file server, then the first scan.
  void start();
  // `share`: the file server if it is not running, and a scan whose result is always reported.
  void rescan();
  // The scanner's wake fd was readable: applies a finished scan, if any.
  void on_scan_ready();
  // ANNOUNCE the list; says what is shared once the broker took it.
  void announce();
  // Before `send`: true once `name` is in the list the broker has, rescanning (in this thread)
  // and announcing if need be; else says why not.
  bool ensure_announced(const std::string& name);
  const ShareEntry* find(const std::string& name) const { return shares_.find(name); }
  // The files of the last scan (for Tab completion).
  const std::vector<ShareEntry>& files() const { return shares_.files(); }

  // The broker connection was lost: what it was told is void.
  void dropped() { shares_.set_announced(false); }
  // Registered again: announce, unless the scan under way does it when done.
  void registered() {
    if (shares_.have_scan()) announce();
  }

  int wake_fd() const { return shares_.wake_fd(); }
  Clock::time_point next_poll() const { return shares_.next_poll(); }
  // The timers: restarts a file server that stopped, and rescans if the folder changed.
  void tick(Clock::time_point now);

  // Before an exec: stops the file server and lets a scan under way finish (HANDOFF.md).
  void pause();
  // After a failed exec: the file server again, and a fresh scan.
  void resume();
  // Leaving: stops the file server.
  void stop() { file_server_.stop(); }

 private:
  using Style = LobbyConsole::Style;

  void on_scan(ShareScan scan);
  void say_sharing();  // "sharing N files from DIR"
  void check_file_server();

  LobbyConsole* console_;
  BrokerLink* link_;
  UniqueFd file_listener_;
  Shares shares_;
  ServeChild file_server_;
  bool report_scan_ = false;    // `share` asked: say what the next scan found even if unchanged
  bool rescan_queued_ = false;  // `share` came while a scan ran: scan again after it
};

}  // namespace peerlink::lobby
