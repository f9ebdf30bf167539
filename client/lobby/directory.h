// Who is online and what they share, asked of the broker and printed: `users`, `info`, `files`,
// `search`, and the owners of a file (WHOHAS) for a download.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/lobby/broker_conn.h"
#include "client/lobby/broker_link.h"
#include "client/lobby/console.h"
#include "client/lobby/files.h"
#include "common/handoff/fetch_sources.h"

namespace peerlink::lobby {

// "in a chat with PARTNER": how a user away in a chat session is shown.
std::string in_a_chat_with(const std::string& partner);

// Stateless: nothing the broker says is cached. Each request goes through `link` (a transport
// failure starts reconnecting there); the results are printed on `console`. Neither is owned.
class Directory {
 public:
  // Listings follow listing_style(console->interactive(), exact_bytes) (files.h).
  Directory(LobbyConsole* console, BrokerLink* link, std::string user, bool exact_bytes = false)
      : console_(console),
        link_(link),
        user_(std::move(user)),
        style_(listing_style(console->interactive(), exact_bytes)) {}

  void users();  // marks our own line "(you)"
  void info(const std::string& user);
  void files(const std::string& user);  // "" = everyone's
  void search(const std::string& text);
  // The owners of a name or hash (WHOHAS: a sample of at most wire::kMaxWhoHasOwners, with
  // `user`'s copy first if given and shared); nullopt if the broker refused (said here) or the
  // link failed.
  std::optional<std::vector<FetchSource>> who_has(const std::string& name_or_hash,
                                                  const std::string& user = "");

  // "USER: no such user".
  void say_no_such_user(const std::string& user);
  // A FILES/SEARCH reply: title(n) over the n file lines, or `empty`.
  void print_files(const BrokerConn::Reply& r, const std::function<std::string(size_t)>& title,
                   const std::string& empty);

 private:
  using Style = LobbyConsole::Style;

  LobbyConsole* console_;
  BrokerLink* link_;
  const std::string user_;
  const ListingStyle style_;
};

}  // namespace peerlink::lobby
