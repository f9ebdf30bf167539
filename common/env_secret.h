// Secrets handed to a program in its environment: never in argv, which every local user can read.
#pragma once

#include <string>

namespace peerlink {

// Returns the value of the environment variable `name` ("" if unset) and removes it from the
// environment at once, so that nothing this process execs later inherits it.
std::string take_env_secret(const char* name);

}  // namespace peerlink
