// A byte buffer for stream input and output: bytes are appended at the back and read from the
// front, with a read index instead of erasing what was read. The line codec, the frame decoder
// and the broker's connections (input and output) keep their bytes in one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace peerlink {

// Holds the unread bytes of a stream, and until compaction the bytes already read in front of
// them. Reading (consume) only moves the read index. The unread bytes are moved to the front only
// when that pays: when the buffer empties (free), or before an append when the read prefix is at
// least as long as the unread part (moving k bytes frees at least k bytes that are never moved
// again), so every byte is moved O(1) times on average. The buffer enforces no bound: a caller
// with a limit asks fits() before it appends.
//
// Not thread-safe.
class Buffer {
 public:
  // Appends `n` bytes (compacting first when that pays).
  void append(const char* data, size_t n);
  void append(std::string_view bytes) { append(bytes.data(), bytes.size()); }

  // The unread bytes; valid until the next append, consume or compact.
  std::string_view peek() const { return std::string_view(data_).substr(read_); }
  const char* data() const { return data_.data() + read_; }
  size_t size() const { return data_.size() - read_; }
  bool empty() const { return read_ == data_.size(); }

  // Marks the first `n` unread bytes read (n <= size()). Emptying the buffer drops everything.
  void consume(size_t n);

  // Whether `n` more bytes keep the unread part within `limit` (no overflow for any n).
  bool fits(size_t n, size_t limit) const { return size() <= limit && n <= limit - size(); }

  // Moves the unread bytes to the front now, whatever that costs. For a caller whose own pattern
  // bounds the cost (FrameDecoder: only the frame it still waits for is ever moved).
  void compact();

  // When empty and its storage has grown past `keep` bytes, gives that memory back (a burst
  // should not stay allocated for the rest of a long connection).
  void release_if_over(size_t keep);

  // Bytes in memory: the unread ones plus a read prefix not compacted yet.
  size_t held() const { return data_.size(); }
  // The largest held() ever: what the buffer cost at its worst, for limits and tests.
  size_t high_water() const { return high_water_; }

 private:
  std::string data_;
  size_t read_ = 0;  // data_[0, read_) is read; data_[read_, size) is unread
  size_t high_water_ = 0;
};

}  // namespace peerlink
