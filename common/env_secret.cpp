// Secrets handed to a program in its environment.
#include "common/env_secret.h"

#include <cstdlib>

namespace peerlink {

std::string take_env_secret(const char* name) {
  const char* value = std::getenv(name);
  std::string secret = value != nullptr ? value : "";
  ::unsetenv(name);
  return secret;
}

}  // namespace peerlink
