// A download being received: a `.part` file that becomes the final file only once verified.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/fd.h"
#include "common/sha256.h"
#include "common/writeback.h"

namespace peerlink {

// Owns "<dir>/<name>.part" (a free variant such as "<name> (1).part" if that is taken), created
// with O_EXCL so it never writes through an existing file or symlink. It hashes what is written.
// commit() checks size and SHA-256, then moves the file to a name that does not exist yet
// (unique_destination: "name (1).ext") without ever replacing a file, even one that appears
// concurrently. Destroying a PartFile that was not committed removes the .part, so a failed,
// cancelled or cut transfer leaves nothing behind.
class PartFile {
 public:
  // `name` must satisfy safe_file_name(); `sha256` is the 32-byte digest promised by the sender.
  // Creates `dir` (one level) if it is missing. Fails with *error set if the file cannot be
  // created or the file system has less than `size` bytes free.
  static std::unique_ptr<PartFile> create(const std::string& dir, const std::string& name,
                                          uint64_t size, std::string sha256, std::string* error);
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  // Appends `bytes`. The caller keeps written() + bytes.size() <= size(). On a write error
  // (e.g. ENOSPC) returns false with *error set; the caller then discards the file.
  bool append(std::string_view bytes, std::string* error);

  // Verifies and moves the file into place; *final_path is where it landed. On failure
  // ("size mismatch: ...", "sha256 mismatch", or a file system error) the .part is removed.
  bool commit(std::string* final_path, std::string* error);

  // Removes the .part now (also done by the destructor unless committed).
  void discard();

  uint64_t written() const { return written_; }
  uint64_t size() const { return size_; }
  const std::string& part_path() const { return part_path_; }

 private:
  PartFile() = default;
  bool move_into_place(std::string* final_path, std::string* error);

  std::string dir_;
  std::string name_;
  std::string part_path_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  uint64_t written_ = 0;
  std::string expected_sha256_;
  Sha256 hash_;
  WritebackPacer writeback_;
  bool done_ = false;  // committed or discarded
};

}  // namespace peerlink
