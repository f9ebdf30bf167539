// Reads an outgoing file ahead of the session's writer, on a thread of its own that also hashes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/sha256.h"
#include "common/session/source.h"
#include "common/wire/transfer_codec.h"
#include "common/wire/wire.h"

namespace peerlink {

// The file is read with one preadv() of kSlotsPerBlock chunks (256 KiB) at a time into a ring of
// kBlocks blocks (1 MiB per transfer at most), each chunk landing behind room for its DATA frame
// prefix and with room for DONE behind it, so the writer seals it where it lies. When `hash` is
// set the reader hashes each block before handing it over, so the digest of the bytes actually
// read is ready with the last chunk. The writer thread takes chunks in order; when a chunk is
// ready the reader calls `wake` (from its thread, holding none of its own locks).
//
// Destroying it stops the thread (it may be waiting for a free block) and joins it; it must not
// be destroyed while `wake` cannot return (e.g. while holding a lock `wake` takes).
class ChunkReader {
 public:
  static constexpr size_t kSlotsPerBlock = 4;
  static constexpr size_t kBlocks = 4;
  // A chunk's buffer: DATA prefix, up to one chunk of file bytes, a DONE frame behind it.
  static constexpr size_t kDoneFrameBytes = wire::kFrameHeaderBytes + kDonePayloadBytes;
  static constexpr size_t kSlotBytes = kDataPrefixBytes + wire::kChunkBytes + kDoneFrameBytes;

  struct Chunk {
    unsigned char* frame = nullptr;  // kDataPrefixBytes free, then `len` file bytes, then room
    size_t len = 0;
    bool last = false;  // the file's last chunk (len 0 for an empty file)
  };

  ChunkReader(const SourceFile* source, bool hash, std::function<void()> wake);
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // True once take() would not wait: a chunk is ready or reading failed. Writer thread.
  bool ready() const;
  // The next chunk, valid until release(); false with *error if reading failed. Call only when
  // ready(). Writer thread.
  bool take(Chunk* chunk, std::string* error);
  // The chunk from take() is sent; its block may be refilled once all its chunks are.
  void release();
  // After the last chunk was taken, with `hash`: the SHA-256 of every byte read (32 raw bytes).
  std::string digest() const;

 private:
  struct Block {
    std::vector<unsigned char> bytes;  // kSlotsPerBlock slots of kSlotBytes
    size_t lens[kSlotsPerBlock] = {};
    size_t slots = 0;   // filled
    bool full = false;  // filled and not yet all released
    bool last = false;
  };

  void run();
  // Fills `b` from `offset` (at most kSlotsPerBlock chunks); false with *error on failure.
  bool fill(Block* b, uint64_t offset, std::string* error);

  const SourceFile* const source_;
  const bool hash_;
  const std::function<void()> wake_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Block> blocks_;
  size_t take_block_ = 0;  // writer's position: block and slot
  size_t take_slot_ = 0;
  bool failed_ = false;
  std::string error_;
  bool stopping_ = false;
  Sha256 sha_;  // reader thread's
  std::string digest_;
  std::thread thread_;
};

}  // namespace peerlink
