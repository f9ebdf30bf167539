// The Poly1305 one-time authenticator (RFC 8439, section 2.5), with 64-bit limbs (three limbs of
// 44/44/42 bits, products in 128 bits) and no branch or index on the key or the message.
#pragma once

#include <cstddef>
#include <cstdint>

namespace peerlink {

inline constexpr size_t kPoly1305KeyBytes = 32;
inline constexpr size_t kPoly1305TagBytes = 16;

// Feed bytes with update() in any split; finish() writes the tag. A key is used for one message.
class Poly1305 {
 public:
  explicit Poly1305(const uint8_t key[kPoly1305KeyBytes]);
  ~Poly1305();  // wipes the key and state
  Poly1305(const Poly1305&) = delete;
  Poly1305& operator=(const Poly1305&) = delete;

  void update(const uint8_t* data, size_t len);
  void finish(uint8_t tag[kPoly1305TagBytes]);

 private:
  void blocks(const uint8_t* data, size_t len, uint64_t hibit);

  uint64_t r_[3];
  uint64_t h_[3];
  uint64_t pad_[2];
  uint8_t buffer_[16];
  size_t buffered_ = 0;
};

// One-shot tag of `data` under `key`.
void poly1305(uint8_t tag[kPoly1305TagBytes], const uint8_t key[kPoly1305KeyBytes],
              const uint8_t* data, size_t len);

}  // namespace peerlink
