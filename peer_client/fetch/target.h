// Where a download lands: NAME.part and its resume state in the downloads folder, and the final
// checked rename that never overwrites.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/crypto/sha256.h"
#include "common/fs/writeback.h"
#include "peer_client/fetch/range_blocks.h"

namespace peerlink::peer_client {

// Owns the open `.part` file (and the flock on it that keeps a second fetch of the same name
// away). Blocks are written with pwrite(), so several threads may call write() at once; save()
// is serialized internally. Nothing is deleted when the object goes away: an unfinished download
// stays on disk for a resume.
class FetchTarget {
 public:
  // `name` must already satisfy safe_file_name(); `sha256` is lower-case hex.
  FetchTarget(std::string dir, std::string name, uint64_t size, std::string sha256,
              uint64_t block_size = kFetchBlockBytes);

  // Opens DIR/NAME.part for this download, creating DIR (one level) if needed:
  //  - a .part with a matching state file (same name, size, sha256, block size) is resumed;
  //  - a .part whose state is corrupt or belongs to another file is ours but unusable: it is
  //    emptied and the download starts over;
  //  - a .part with no state file at all is not ours (the state is always written first): it is
  //    left alone and prepare() fails;
  //  - a .part locked by another process means the same download is already running: fail.
  // Before any of that, a size over kMaxFetchFileBytes fails, and so does one the downloads
  // folder has no free space for (less what a resumed .part already holds); a new download then
  // leaves no file behind. On success, what is already on disk.
  struct Prepared {
    BlockMap blocks;
    bool resumed = false;  // a .part of an earlier run is carried on
  };
  Expected<Prepared> prepare();

  // Writes file bytes at `offset`. Thread-safe.
  Result write(uint64_t offset, const char* data, size_t n);
  // Records `blocks` as the state. Call only after the bytes of every block it marks are written.
  Result save(const BlockMap& blocks);
  // Whether a save is due: true at most every kSaveEveryMs (and the first time), so that a
  // download writes its state a few times a second rather than once per block. What a crash
  // loses is at most that long's blocks; a stop or failure saves at once (Download::run()).
  bool save_due();
  static constexpr int kSaveEveryMs = 500;

  // Feeds bytes [from, to) of the .part, as they are on disk, to `hash`. Thread-safe.
  Result hash_range(Sha256* hash, uint64_t from, uint64_t to) const;

  // Compares `part_sha256` (the hex SHA-256 of the whole .part, from hash_range()) with the
  // expected one. On a match, moves the .part to a free name in DIR (never replacing a file:
  // "name (1).ext" and so on), removes the state and returns the path it now has. On a mismatch,
  // deletes the .part and the state and fails with kMismatchMessage (error() kMismatch). The
  // .part is fsync()ed before the rename; any other failure leaves both for a later attempt.
  Expected<std::string> finish(const std::string& part_sha256);
  static constexpr int kMismatch = EBADMSG;
  static constexpr const char* kMismatchMessage =
      "checksum mismatch (the downloaded bytes were discarded)";

  const std::string& part_path() const { return part_path_; }
  const std::string& state_path() const { return state_path_; }

 private:
  // Ok if DIR's file system has `bytes` free for us (statvfs f_bavail), or cannot tell.
  Result room_for(uint64_t bytes) const;
  // Empties the .part (to its full size again) and records an empty block map as the state.
  Expected<BlockMap> start_over();

  const std::string dir_, name_, sha256_;
  const uint64_t size_, block_size_;
  std::string part_path_, state_path_;
  UniqueFd part_;
  WritebackPacer writeback_;  // write() runs on every source thread
  std::mutex save_mu_;
  std::chrono::steady_clock::time_point last_save_{};  // guarded by save_mu_
};

}  // namespace peerlink::peer_client
