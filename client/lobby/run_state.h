// What one run of the lobby carries through a chat session: the peer program execs a new `_c`
// in the same process when the session ends (docs/HANDOFF.md, "What the lobby carries through a
// session"), and that one takes up the run where the old one left it. Today: the `transfers`
// history, and that the lobby is coming back (the full menu is shown only at a run's start).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace peerlink::lobby {

// Bounds: the history keeps the newest lines, each cut to kMaxRunLineBytes.
inline constexpr size_t kMaxRunHistoryLines = 50;
inline constexpr size_t kMaxRunLineBytes = 1024;

struct RunState {
  std::string process;                 // this process's identity: "PID START" (process_identity())
  std::vector<std::string> transfers;  // ended transfers, as `transfers` lists them, oldest first
  bool operator==(const RunState&) const = default;
};

// "PID START-TIME" of this process (/proc/self/stat): the same before and after execv(), and
// never the same for another process, even one that got the same PID later.
std::string process_identity();

// Text form, one '\n'-terminated line each:
//   peerlink-lobby-run 1
//   process <pid> <start-time>
//   transfer <percent-encoded line>        (at most kMaxRunHistoryLines)
std::string format_run_state(const RunState& state);
// Strict (another magic, a missing process line, a bad escape, too many or too long lines):
// the failure says what is wrong.
Expected<RunState> parse_run_state(std::string_view text);

// The file, `lobby-run-<pid>` in `dir` (the configuration folder, client/keys/config_dir.h).
std::string run_state_path(const std::string& dir);
// Writes it (mode 0600, atomically) just before the exec to a peer program.
Result save_run_state(const std::string& dir, const RunState& state);
// Reads and removes it: nullopt if there is none or it is another process's (a PID reused after
// a session that never came back), a failure if it is unreadable or corrupt (removed too). Also
// removes the files of other runs a day old (sessions whose lobby never came back).
Expected<std::optional<RunState>> take_run_state(const std::string& dir);
// Removes it (the exec failed and this lobby stays); ok if it is not there.
Result remove_run_state(const std::string& dir);

}  // namespace peerlink::lobby
