// The session's first frame: the HELLO payload.
#include "common/session/hello.h"

namespace peerlink {

std::string encode_hello(std::string_view token, std::string_view user_name) {
  std::string out(token);
  out.push_back('\n');
  out.append(user_name);
  return out;
}

bool decode_hello(std::string_view payload, std::string* token, std::string* user_name) {
  const size_t nl = payload.find('\n');
  if (nl == std::string_view::npos || nl == 0 || nl > kMaxTokenBytes) return false;
  token->assign(payload.substr(0, nl));
  user_name->assign(payload.substr(nl + 1));
  return true;
}

}  // namespace peerlink
