// Strict decimal parsing of numbers from untrusted text: wire fields, arguments, state files.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace peerlink {

// Parses the whole of `text` as a decimal integer in [min, max]: digits only (a leading '-' only
// where `min` is negative, so "-0" is no zero; no '+', spaces or trailing bytes), no overflow.
// On failure *out is unchanged.
template <typename T>
bool parse_decimal(std::string_view text, T* out, T min = std::numeric_limits<T>::min(),
                   T max = std::numeric_limits<T>::max()) {
  static_assert(std::is_integral_v<T>);
  T value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) return false;
  if (text[0] == '-' && min >= 0) return false;
  *out = value;
  return true;
}

inline bool parse_u64(std::string_view text, uint64_t* out) { return parse_decimal(text, out); }

}  // namespace peerlink
