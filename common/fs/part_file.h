// A download being received: a `.part` file that becomes the final file only once verified.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/fd.h"
#include "common/base/result.h"
#include "common/fs/hash_thread.h"
#include "common/fs/writeback.h"

namespace peerlink {

// What a session's .part file is called: ".peerlink-session.<name>.part". Hidden, so it is never
// announced from a shared folder, and never a name a download's "<name>.part" can have (names on
// disk never start with '.': safe_file_name()), so cleaning up stale ones cannot touch a download.
inline constexpr char kSessionPartPrefix[] = ".peerlink-session.";
inline constexpr char kSessionPartSuffix[] = ".part";

// Owns "<dir>/.peerlink-session.<name>.part" (a free variant such as
// ".peerlink-session.<name> (1).part" if that is taken), created with O_EXCL so it never writes
// through an existing file or symlink, and flock()ed while it exists. It hashes what is written
// on a HashThread of its own, so append() only write()s. commit() (which may run on another
// thread than the appends, once they are over) checks size and SHA-256, fsync()s, then moves the
// file to a name that does not exist yet (unique_destination: "name (1).ext") without ever
// replacing a file, even one that appears concurrently. Destroying a PartFile that was not
// committed removes the .part, so a failed, cancelled or cut transfer leaves nothing behind.
class PartFile {
 public:
  // `name` must satisfy safe_file_name(); `sha256` is the 32-byte digest promised by the sender,
  // or 32 zero bytes if it is not known yet (it comes with DONE: commit()'s `sender_sha256`).
  // Creates `dir` (one level) if it is missing. Fails if the file cannot be created or the file
  // system has less than `size` bytes free.
  static Expected<std::unique_ptr<PartFile>> create(const std::string& dir, const std::string& name,
                                                    uint64_t size, std::string sha256);
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  // Appends `bytes`. The caller keeps written() + bytes.size() <= size(). On a write error
  // (e.g. ENOSPC) fails ("cannot write PART: ..."); the caller then discards the file.
  Result append(std::string_view bytes);

  // Verifies and moves the file into place, giving the path where it landed. The SHA-256 of
  // what was appended must equal the digest given to create() (unless that was all zero) and
  // `sender_sha256` (unless empty); with neither known the file is refused. On failure
  // ("size mismatch: ...", "sha256 mismatch", or a file system error) the .part is removed.
  Expected<std::string> commit(std::string_view sender_sha256 = {});

  // Removes the .part now (also done by the destructor unless committed).
  void discard();

  uint64_t written() const { return written_; }
  uint64_t size() const { return size_; }
  const std::string& part_path() const { return part_path_; }

 private:
  PartFile() = default;
  Expected<std::string> move_into_place();

  std::string dir_;
  std::string name_;
  std::string part_path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  uint64_t written_ = 0;
  std::string expected_sha256_;
  std::unique_ptr<HashThread> hash_;
  WritebackPacer writeback_;
  bool done_ = false;  // committed or discarded
};

// True for a name of the session .part form (kSessionPartPrefix ... kSessionPartSuffix).
bool is_session_part_name(std::string_view name);

// A receiver killed with -9 leaves its .part behind; a session .part is never resumed (the sender
// offers the whole file again). Removes every session .part in `dir` that is stale: a regular
// file (not followed through a symlink) owned by us, not modified for `min_age`, and not locked
// by a live receiver. Anything else, in particular a download's NAME.part, is left alone. Looks
// at no more than 100000 entries. Returns how many files it removed.
size_t remove_stale_session_parts(const std::string& dir, std::chrono::seconds min_age);

// What a session start uses (docs/SESSION.md).
inline constexpr std::chrono::seconds kStaleSessionPartAge{600};

}  // namespace peerlink
