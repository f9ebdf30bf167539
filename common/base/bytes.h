// Explicit big-endian encoding of integers (shifts, never pointer casts).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace peerlink {

inline void put_u32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline void put_u64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}
inline uint32_t get_u32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint64_t get_u64(const unsigned char* p) {
  return (uint64_t{get_u32(p)} << 32) | get_u32(p + 4);
}

// Reads fields off the front of a payload; every read is bounds-checked and a failed read leaves
// the reader failed (ok() false), so a decoder can read everything and check once.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool u32(uint32_t* v) {
    if (!need(4)) return false;
    *v = get_u32(p());
    pos_ += 4;
    return true;
  }
  bool u64(uint64_t* v) {
    if (!need(8)) return false;
    *v = get_u64(p());
    pos_ += 8;
    return true;
  }
  bool bytes(size_t n, std::string* out) {
    if (!need(n)) return false;
    out->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  std::string_view rest() const { return ok_ ? data_.substr(pos_) : std::string_view(); }
  bool ok() const { return ok_; }

 private:
  bool need(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  const unsigned char* p() const {
    return reinterpret_cast<const unsigned char*>(data_.data() + pos_);
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace peerlink
