// Test harness: byte strings for crypto test vectors, written as hex in the tests and in
// tests/data/, and the uint8_t pointers the crypto functions take.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/base/hex.h"

namespace peerlink::testing {

// The bytes `hex` spells; a failure of the running test if it is not hex.
inline std::string unhex(std::string_view hex) {
  std::string bytes;
  EXPECT_TRUE(from_hex(hex, &bytes)) << "not hex: " << hex;
  return bytes;
}

inline std::string hex_of(const uint8_t* data, size_t len) { return to_hex(data, len); }
inline std::string hex_of(std::string_view bytes) { return to_hex(bytes.data(), bytes.size()); }

inline const uint8_t* u8(std::string_view bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}
inline uint8_t* u8(std::string& bytes) { return reinterpret_cast<uint8_t*>(bytes.data()); }

}  // namespace peerlink::testing
