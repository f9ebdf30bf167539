// The broker: one thread, one epoll loop, every client a non-blocking Connection.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/base/fd.h"
#include "common/base/log.h"
#include "common/base/result.h"
#include "common/crypto/x25519.h"
#include "common/term/stop_signals.h"
#include "server/busy.h"
#include "server/connection.h"
#include "server/name_keys.h"
#include "server/options.h"
#include "server/pending.h"
#include "server/poller.h"
#include "server/presence.h"
#include "server/registry.h"

namespace peerlink::broker {

// Owns the listening socket, every connection, the registry and the pending requests. Nothing
// here blocks: a client that stops reading only fills its own bounded output buffer, and is
// dropped when that overflows.
class Broker {
 public:
  // `signals` (if not null, it outlives the broker) ends run(): the loop watches its fd.
  explicit Broker(BrokerOptions options, StopSignals* signals = nullptr);
  ~Broker();  // wipes the private key
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;
  // Loads (or creates) the static key and the names file, frees the --release names (saved at
  // once), binds and prepares; a failure says why ("cannot listen on *:12000: address already in
  // use", "broker.key: mode 0644 lets other users at the private key; fix it with: chmod 600
  // broker.key").
  Result start();
  // The address it listens on, e.g. "127.0.0.1:40123" (valid after start()).
  std::string listen_address() const;
  // Runs until a stop signal (SIGINT/SIGTERM, read from the StopSignals' signalfd).
  int run();

  // One loop turn: waits up to timeout_ms for events, handles them, advances listings, timers
  // and output. run() is a loop of these; a test or fuzzer drives them itself.
  void turn(int timeout_ms);
  // Takes a connected, non-blocking socket as a new client (what accepting does); false if it
  // cannot be watched (the socket is closed).
  bool adopt(UniqueFd fd, const std::string& ip, uint16_t port);
  bool busy() const { return !jobs_.empty(); }  // listings still in progress

  // The broker's static key pair (valid after start()): from --key, or an ephemeral one (made
  // once per process) when BrokerOptions::key_path is empty.
  const X25519KeyPair& static_key() const { return key_; }
  // Its public key's fingerprint in groups of 4 digits (valid after start()), what _s prints.
  const std::string& fingerprint() const { return fingerprint_; }
  // The name-to-key bindings, loaded by start(). The loop saves them at most once a second while
  // they are dirty, and at shutdown.
  NameKeys& names() { return names_; }

 private:
  using Fields = std::vector<std::string>;  // decoded fields of one request, [0] = command

  // State kept across runs (broker.cpp): the key, the names file and the --release names.
  Result load_state();
  // Saves the names if they changed and the last save is a second old (or `now`: at once).
  void save_names_if_due(Clock::time_point now, bool at_once = false);

  // Loop plumbing (broker.cpp).
  void accept_all();
  // Out of descriptors: counts the shed connection and logs at most once per interval.
  void note_fd_exhaustion(int err, size_t shed);
  // Stops watching the listener until `until` (or until a connection closes).
  void pause_accepting(Clock::time_point until);
  void resume_accepting();
  void on_readable(Connection& c);
  // The first byte of a connection says plaintext or Noise; without --plaintext a plaintext
  // client gets "ERR 403 encryption required" and is closed.
  void choose_transport(Connection& c, char first);
  // Handles the complete lines in c's input buffer, until it runs out or c becomes busy.
  void process_input(Connection& c);
  // Goes on with the input of the connections deferred in the previous turn.
  void resume_deferred();
  void on_line(Connection& c, const std::string& line);
  void send(Connection& c, const std::string& data);
  void send_to_user(const std::string& user, const std::string& data);
  // Sends the directory events collected in presence_ (JOIN, LEAVE, BUSY, SHARES) to every
  // other registered user as one batch encoded once (see send_event), when due.
  void push_presence(bool at_once = false);
  // From this many users on, events are pushed every kPresenceInterval (or when a batch holds
  // kMaxPresenceBatch bytes) instead of every loop turn.
  static constexpr size_t kBatchFromUsers = 256;
  static constexpr std::chrono::milliseconds kPresenceInterval{100};
  static constexpr size_t kMaxPresenceBatch = 64u << 10;
  // A batch of more lines than this goes out as one EVENT CHANGES summary instead.
  static constexpr size_t kMaxListedChanges = 32;
  // A directory event: queued, unless c is far behind (max_event_backlog), then dropped and
  // replaced by one "EVENT RESYNC" (the client re-reads USERS/FILES).
  void send_event(Connection& c, const std::string& data);
  // Drops the clients with the most pending output while the total is over max_total_output.
  void enforce_output_budget();
  void close_after_reply(Connection& c);
  void drop(Connection& c, const std::string& why, bool log = true);
  // Takes one handshake from `ip`'s token bucket; false when it is empty (the connection is then
  // closed, counted, and reported in the log at most every few seconds).
  bool allow_handshake(const std::string& ip);
  // Removes the connection's user (if registered), answers what is pending for it, tells everyone.
  void unregister(Connection& c);
  // At the end of a turn: the users of connections dropped during it leave (LEAVE, pending
  // requests answered), output is flushed, then the connections are destroyed.
  void reap_dead();
  void destroy(uint64_t id);
  void flush_dirty();
  void handle_timers();
  void shutdown_all();
  int next_timeout_ms() const;
  void log_query(const Connection& c, std::string_view query, std::string_view result);
  // Every log line goes through here, made printable (it may quote the network).
  void log_line(std::string_view text);

  // A listing (SEARCH, FILES) worked on over several loop turns, within a scan budget per turn
  // shared by all of them, so one request cannot hold the loop (commands.cpp).
  struct ListJob {
    bool search = false;
    bool index = false;       // not a listing: indexing an announced set (ANNOUNCE's reply)
    uint64_t generation = 0;  // index: the set being indexed
    std::string needle;       // fold_name()d
    std::string query;        // for the log
    ScanCursor cursor;
    size_t index_pos = 0;  // index: the next file of the set to index
    std::string lines;
    size_t count = 0;
  };
  void start_job(Connection& c, ListJob job);
  // Work units per file indexed (an announced set goes into the indexes within the same
  // per-turn budget as the listings).
  static constexpr size_t kIndexFileCost = 256;
  // Scans up to `budget` units; true when the job is finished and its reply queued.
  bool advance_job(Connection& c, ListJob& job, size_t budget);
  void run_jobs();

  // Protocol (commands.cpp). Each gets the decoded fields and queues exactly one reply.
  void dispatch(Connection& c, const Fields& f, std::string_view raw);
  void cmd_hello(Connection& c, const Fields& f);
  void cmd_register(Connection& c, const Fields& f);
  void cmd_users(Connection& c, const Fields& f);
  void cmd_info(Connection& c, const Fields& f);
  void cmd_announce(Connection& c, const Fields& f);
  void on_announce_line(Connection& c, const std::string& line);
  void cmd_files(Connection& c, const Fields& f, bool search);
  void cmd_whohas(Connection& c, const Fields& f);
  void cmd_chat(Connection& c, const Fields& f);
  void cmd_chat_answer(Connection& c, const Fields& f, bool accept);
  void cmd_offer(Connection& c, const Fields& f);
  void cmd_offer_answer(Connection& c, const Fields& f, bool accept);
  void reply(Connection& c, const std::string& line, std::string_view query);
  void error(Connection& c, int code, const std::string& reason, std::string_view query);
  // "OWNER ..." for `requester`: the owner's key and a ticket bound to the requester's key.
  std::string owner_line(const User& owner, const SharedFile& f, const User& requester);
  // A binding last seen this long ago no longer holds its name (--name-expiry-days).
  bool binding_expired(const NameKeys::Binding& b, int64_t now) const;
  // Everything pending that involves a departing user is answered ("gone").
  void forget_user(const std::string& user);
  void expire_chat(uint64_t id);
  void expire_offer(uint64_t id);
  // "OK USERS n" with the USER lines of the registered users, then the BUSY lines.
  std::string users_reply() const;

  BrokerOptions opt_;
  Logger log_;
  Poller poller_;
  std::vector<epoll_event> events_ = std::vector<epoll_event>(1024);
  UniqueFd listen_fd_;
  StopSignals* signals_;
  UniqueFd spare_fd_;  // released to accept-and-close when out of descriptors
  bool accept_paused_ = false;
  Clock::time_point accept_resume_at_{};
  size_t fd_shed_unlogged_ = 0;  // connections shed since the last "out of descriptors" line
  Clock::time_point fd_log_next_{};
  struct HandshakeBucket {
    double tokens = 0;
    Clock::time_point at{};
  };
  std::unordered_map<std::string, HandshakeBucket> handshake_buckets_;  // by IP, bounded
  size_t handshakes_refused_unlogged_ = 0;
  Clock::time_point handshake_log_next_{};
  std::string listen_addr_;
  uint64_t next_conn_id_ = 16;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
  std::deque<std::pair<Clock::time_point, uint64_t>> register_timers_;
  std::vector<uint64_t> dirty_;
  std::vector<uint64_t> dead_;
  std::unordered_map<uint64_t, ListJob> jobs_;  // by connection id; that connection is busy
  std::deque<uint64_t> job_order_;              // round robin over jobs_
  size_t scan_budget_left_ = 0;                 // this loop turn's
  size_t total_output_ = 0;
  // Files in every user's shared set plus announcements being read (BrokerOptions::
  // max_total_files bounds it).
  size_t files_held_ = 0;
  uint64_t work_ = 0;               // work units done, ever (see BrokerOptions::work_per_turn)
  std::vector<uint64_t> deferred_;  // connections with input left for the next turn  // pending
                                    // output of every connection + listings in progress
  Registry registry_;
  Pending pending_;
  PresenceBatch presence_;
  Clock::time_point presence_due_{};  // the next batch may not go before this (many users)
  BusyTable busy_;                    // users away in a chat session
  X25519KeyPair key_;
  std::string fingerprint_;
  NameKeys names_;
  Clock::time_point names_save_at_{};       // the next save may not happen before this
  bool names_save_failing_ = false;         // the last save failed (logged once, until one works)
  std::vector<std::string> startup_notes_;  // what start() found, logged when run() starts
  bool stopping_ = false;
};

}  // namespace peerlink::broker
