// The downloads a chat session paused: the small file `.peerlink-paused-USER` that the lobby writes
// in its downloads folder before it execs a peer program, and that the lobby started after the
// session consumes to resume them (docs/SHARING.md, "Downloads paused by a chat session").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace peerlink::lobby {

// The file's name inside the downloads folder: one per user, since two lobbies started in one
// directory share its default `downloads` (and may well chat with each other). It starts with '.',
// so it is never shared even when the downloads folder is also the shared folder.
inline constexpr const char* kPausedFilePrefix = ".peerlink-paused-";
// ".peerlink-paused-" + user (a valid_user_name()).
std::string paused_file_name(std::string_view user);
// More than a lobby ever runs at once; a longer list is not ours.
inline constexpr size_t kMaxPausedDownloads = 1000;

// What is needed to start the same download again. No tickets: they belong to one request and
// expire, so the next lobby asks the broker for fresh owners and tickets.
struct PausedDownload {
  std::string name;  // the local name (sanitize_file_name() holds for it): NAME.part on disk
  uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex digits
  bool operator==(const PausedDownload&) const = default;
};

struct PausedDownloads {
  std::string user;  // who paused them (the file's name says it too)
  std::vector<PausedDownload> downloads;
  bool operator==(const PausedDownloads&) const = default;
};

// Text form, one '\n'-terminated line each:
//   peerlink-paused 1
//   user <name>
//   download <size> <sha256> <percent-encoded name>       (one line per download)
std::string format_paused(const PausedDownloads& paused);

// Strict: the file may have been edited, cut off or planted, so any deviation rejects it whole
// (the failure says what is wrong): another magic or version, a bad user name,
// an undecodable or unsafe name (it must satisfy safe_file_name() and be its own
// sanitize_file_name()), a bad size or hash, a name listed twice, more than kMaxPausedDownloads
// downloads, a cut-off last line, more than 1 MiB.
Expected<PausedDownloads> parse_paused(std::string_view text);

// Reads and parses `dir`/.peerlink-paused-USER: nullopt if there is none; a failure saying why
// (the file is then corrupt) if it cannot be read (not a regular file, a symlink, an I/O error),
// is owned by another uid, cannot be parsed, or names another user.
Expected<std::optional<PausedDownloads>> load_paused_file(const std::string& dir,
                                                          const std::string& user);

// Writes `dir`/.peerlink-paused-USER (USER = paused.user) atomically (temporary file + rename,
// write_file_atomically()).
Result save_paused_file(const std::string& dir, const PausedDownloads& paused);

// Removes `dir`/.peerlink-paused-USER; ok if it is gone (or was never there), else "cannot
// remove PATH: ...".
Result remove_paused_file(const std::string& dir, const std::string& user);

}  // namespace peerlink::lobby
