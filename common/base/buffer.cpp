// A byte buffer for stream input and output.
#include "common/base/buffer.h"

#include <cassert>

namespace peerlink {

void Buffer::append(const char* data, size_t n) {
  if (n == 0) return;
  // Moving size() bytes to free read_ >= size() bytes: paid for by the bytes read.
  if (read_ > 0 && read_ >= size()) compact();
  data_.append(data, n);
  if (data_.size() > high_water_) high_water_ = data_.size();
}

void Buffer::consume(size_t n) {
  assert(n <= size());
  read_ += n;
  if (read_ == data_.size()) {  // keeps the storage: the next append needs no allocation
    data_.clear();
    read_ = 0;
  }
}

void Buffer::compact() {
  if (read_ == 0) return;
  data_.erase(0, read_);
  read_ = 0;
}

void Buffer::release_if_over(size_t keep) {
  if (empty() && data_.capacity() > keep) std::string().swap(data_);
}

}  // namespace peerlink
