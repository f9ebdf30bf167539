// The session handshake: the HELLO payload (`token "\n" user-name`) and the token hand-over.
#include "common/session/hello.h"
#include "common/base/secret_fd.h"

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

Expected<std::string> take_session_token(int secret_fd) {
  if (secret_fd < 0) return Result::failure("no session token (no --secret-fd)");
  Expected<std::string> token = take_secret_fd(secret_fd, kMaxTokenBytes);
  if (!token) return Result::failure("no session token (" + token.message() + ")", token.error());
  if (token->empty() || token->find('\n') != std::string::npos) {
    return Result::failure("no session token (an empty or malformed one was handed over)");
  }
  return token;
}

}  // namespace peerlink
