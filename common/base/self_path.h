// Where this program's own executable lives, so the programs find each other beside it.
#pragma once

#include <string>

namespace peerlink {

// Directory of /proc/self/exe (no trailing slash); "." if it cannot be read.
std::string self_dir();
// self_dir() + "/" + program.
std::string sibling_program(const std::string& program);

}  // namespace peerlink
