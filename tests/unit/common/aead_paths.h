// Every combination of ChaCha20 and Poly1305 implementations this CPU can run, named, for the
// AEAD tests that must pass on every path (aead_vectors_test.cpp, aead_impls_test.cpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/crypto/aead.h"

namespace peerlink::testing {

struct AeadPath {
  std::string name;  // "chacha20 avx512 + poly1305 avx2"
  AeadImpl impl;
};

// For GoogleTest's messages: the name, not the bytes.
inline void PrintTo(const AeadPath& path, std::ostream* os) { *os << path.name; }

inline std::vector<AeadPath> aead_paths() {
  std::vector<AeadPath> paths;
  for (ChaCha20Impl c :
       {ChaCha20Impl::kPortable, ChaCha20Impl::kSse2, ChaCha20Impl::kAvx2, ChaCha20Impl::kAvx512}) {
    if (!chacha20_has(c)) continue;
    for (Poly1305Impl p : {Poly1305Impl::kPortable, Poly1305Impl::kAvx2, Poly1305Impl::kAvx512}) {
      if (!poly1305_has(p)) continue;
      paths.push_back({std::string("chacha20 ") + chacha20_impl_name(c) + " + poly1305 " +
                           poly1305_impl_name(p),
                       {c, p}});
    }
  }
  return paths;
}

}  // namespace peerlink::testing
