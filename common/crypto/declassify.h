// Declassifying a value derived from secrets once it is public (a MAC's verdict, whether a
// shared secret is zero), for the constant-time check: tests/ct builds the crypto sources with
// PEERLINK_CT_CHECK and runs them under valgrind with every secret byte marked undefined, so
// memcheck reports any branch or index on a secret. A verdict the code must branch on is marked
// defined here first. In every other build this does nothing.
#pragma once

#include <cstddef>

#if defined(PEERLINK_CT_CHECK)
#include <valgrind/memcheck.h>
#endif

namespace peerlink {

inline void declassify(const void* data, size_t len) {
#if defined(PEERLINK_CT_CHECK)
  (void)VALGRIND_MAKE_MEM_DEFINED(data, len);
#else
  (void)data;
  (void)len;
#endif
}

}  // namespace peerlink
