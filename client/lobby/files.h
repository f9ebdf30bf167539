// The shared-file directory as the lobby sees it: the broker's FILE and OWNER lines, the reply to
// an accepted offer, choosing which content `get` downloads, and the lines printed for files.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/lobby/messages.h"
#include "common/handoff/fetch_sources.h"

namespace peerlink::lobby {

// One line of a FILES or SEARCH reply: `FILE <owner> <name> <size> <sha256>`.
struct FileEntry {
  std::string owner;
  std::string name;
  uint64_t size = 0;
  std::string sha256;  // lower-case hex
};
bool parse_file_line(const BrokerMessage& m, FileEntry* out);

// One line of a WHOHAS reply:
// `OWNER <owner> <ip> <port> <name> <size> <sha256> <owner-key> <ticket>`.
bool parse_owner_message(const BrokerMessage& m, FetchSource* out);

// The reply to OFFER_ACCEPT: `OK OFFER_ACCEPT <id> <owner> <ip> <port> <name> <size> <sha256>
// <owner-key> <ticket>`, the same fields as an OWNER line. False unless it is that reply for `id`.
bool parse_offer_accept(const BrokerMessage& m, uint64_t id, FetchSource* out);

// The OWNER line of `s` as the downloader reads it from its --secret-fd (no '\n').
std::string owner_line(const FetchSource& s);

// The first 12 hex digits, as the lobby shows a SHA-256.
std::string short_sha(std::string_view sha256);
// "1 file", "3 files", "no files".
std::string files_count(size_t n);
// How listings (`users`, `files`, `search`, `transfers`) show names and sizes. For people (a
// terminal): names through printable(), sizes as "50.0 MiB" (exact with `_c --bytes`). For
// scripts (not a terminal): names percent-encoded as on the broker's wire, so a name with spaces
// stays one column, and sizes exact (docs/LOBBY.md, "Scripted output").
struct ListingStyle {
  bool encoded = false;      // percent_encode(name), else printable(name)
  bool human_sizes = false;  // format_size(), else "N bytes"
};
ListingStyle listing_style(bool interactive, bool exact_bytes);
std::string listed_name(std::string_view name, ListingStyle style);
std::string listed_size(uint64_t bytes, ListingStyle style);

// A listing line: "  alice  notes.txt  1234 bytes  sha256 2cf24dba5fb0" (the default style:
// name made printable, exact size).
std::string file_line(const FileEntry& f, ListingStyle style = {});

// What `get NAME [USER]` downloads, given the owners WHOHAS named.
struct DownloadChoice {
  enum class Kind {
    kChosen,       // name, size, sha256 set; sources: every given owner of that content
    kNobody,       // no owners at all
    kNotFromUser,  // USER is not among the owners; sources: all owners
    kAmbiguous,    // no USER and the owners hold different contents; sources: all owners
  };
  Kind kind = Kind::kNobody;
  std::string name;  // the owner's name for the file (USER's, else the first owner's)
  uint64_t size = 0;
  std::string sha256;
  std::vector<FetchSource> sources;  // one per owner, sorted by owner
};
// `user` empty: any owner, as long as all hold the same content (size and SHA-256).
DownloadChoice choose_download(std::vector<FetchSource> owners, std::string_view user);

// The owners in `owners` of exactly this content, one per owner, sorted by owner.
std::vector<FetchSource> sources_with(const std::vector<FetchSource>& owners, uint64_t size,
                                      std::string_view sha256);

}  // namespace peerlink::lobby
