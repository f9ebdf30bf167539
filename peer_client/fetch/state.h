// The resume state of a download: a small text file beside the `.part` that records which blocks
// are already on disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "peer_client/fetch/range_blocks.h"

namespace peerlink::peer_client {

// What a download's state file holds. `blocks` says which blocks of the `.part` hold their
// final bytes; the other fields identify the download so that a state left by another file of the
// same name is never applied.
struct FetchState {
  std::string name;    // the local (sanitized) file name
  std::string sha256;  // 64 lower-case hex digits: the whole file's expected hash
  BlockMap blocks;     // also carries the file size and block size
};

// The file's text (docs/SHARING.md, "Resume state"):
//   peerlink-fetch-state 1
//   name <percent-encoded name>
//   size <bytes>
//   sha256 <hex>
//   block <block size>
//   done <hex bitmap of complete blocks, or "-">
//   check <sha256 hex of all the bytes above>
std::string format_fetch_state(const FetchState& state);

// Strict parse of format_fetch_state() output. False (a corrupt or foreign state, to be ignored)
// on any deviation: wrong magic or version, missing or reordered line, a name that fails
// safe_file_name(), bad number, a block size
// of 0 or over 1 GiB, more than kMaxBlockMapBlocks blocks, a bitmap of the wrong length, or a
// check that does not match. Nothing is allocated from the claimed size before the bitmap's
// length has confirmed it.
bool parse_fetch_state(std::string_view text, FetchState* out);

// Writes the state to `path` atomically (a temporary file `path.tmp<pid>`, then rename()), so a
// crash leaves either the old state or the new one. No fsync: the state is only ever written
// after the block data it marks, which is enough to survive the process being killed. Leftover
// temporary files of dead writers are not looked for here (that scans the folder): the download
// does it once, when it starts (remove_stale_temp_files()).
Result save_fetch_state(const std::string& path, const FetchState& state);

// Reads and parses `path`. kMissing if there is no such file; kCorrupt if it cannot be read or
// parsed.
enum class StateLoad { kOk, kMissing, kCorrupt };
StateLoad load_fetch_state(const std::string& path, FetchState* out);

}  // namespace peerlink::peer_client
