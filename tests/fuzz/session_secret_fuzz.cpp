// Fuzz target: the session secret a lobby hands a peer program (common/handoff/session_secret.*).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/handoff/identity_secret.h"
#include "common/handoff/session_secret.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  peerlink::Expected<peerlink::SessionSecret> s = peerlink::parse_session_secret(in);
  if (!s) {
    if (s.message().empty()) std::abort();  // every refusal says why
    return 0;
  }
  // What parse accepts is bounded, has a valid token, and encodes to the same bytes (the identity
  // line's hex digits in lower case; nothing else is changed).
  if (size > peerlink::kMaxSessionSecretBytes) std::abort();
  if (s->token.empty() || s->token.find_first_of(" \n\t") != std::string::npos) std::abort();
  const std::string again = peerlink::encode_session_secret(*s);
  if (again.size() != size) std::abort();
  const size_t digits = sizeof peerlink::kIdentityWord;  // after "IDENTITY "
  for (size_t i = 0; i < size; ++i) {
    const bool hex = i >= digits && i < peerlink::kIdentityLineBytes - 1;
    const char a = again[i];
    const char b =
        hex && in[i] >= 'A' && in[i] <= 'F' ? static_cast<char>(in[i] - 'A' + 'a') : in[i];
    if (a != b) std::abort();
  }
  peerlink::Expected<peerlink::SessionSecret> back = peerlink::parse_session_secret(again);
  if (!back || back->token != s->token || back->identity != s->identity) std::abort();
  return 0;
}
