// HKDF-SHA-256 (RFC 5869) and the Noise Protocol Framework's HKDF (revision 34, section 4.3).
#include "common/crypto/hkdf.h"

#include "common/crypto/hmac.h"

namespace peerlink {
namespace {

std::string_view view(const Sha256::Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace

std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                        size_t length) {
  if (length > 255 * Sha256::kDigestBytes) return {};
  // Extract (section 2.2): an empty salt is HashLen zeros, which HMAC's zero padding gives anyway.
  const Sha256::Digest prk = hmac_sha256(salt, ikm);
  // Expand (section 2.3): T(i) = HMAC(PRK, T(i-1) || info || i).
  std::string out;
  std::string t;
  for (unsigned i = 1; out.size() < length; ++i) {
    std::string input = t;
    input.append(info);
    input.push_back(static_cast<char>(i));
    const Sha256::Digest block = hmac_sha256(view(prk), input);
    t.assign(view(block));
    out.append(t);
  }
  out.resize(length);
  return out;
}

namespace {

NoiseHkdfOutputs noise_hkdf(const Sha256::Digest& chaining_key, std::string_view ikm, int n) {
  NoiseHkdfOutputs out;
  const Sha256::Digest temp_key = hmac_sha256(view(chaining_key), ikm);
  out.first = hmac_sha256(view(temp_key), std::string_view("\x01", 1));
  std::string input(view(out.first));
  input.push_back('\x02');
  out.second = hmac_sha256(view(temp_key), input);
  if (n == 3) {
    input.assign(view(out.second));
    input.push_back('\x03');
    out.third = hmac_sha256(view(temp_key), input);
  }
  return out;
}

}  // namespace

NoiseHkdfOutputs noise_hkdf2(const Sha256::Digest& chaining_key, std::string_view ikm) {
  return noise_hkdf(chaining_key, ikm, 2);
}

NoiseHkdfOutputs noise_hkdf3(const Sha256::Digest& chaining_key, std::string_view ikm) {
  return noise_hkdf(chaining_key, ikm, 3);
}

}  // namespace peerlink
