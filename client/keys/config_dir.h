// Where the lobby keeps its keys and the brokers' keys it has pinned: $XDG_CONFIG_HOME/peerlink,
// else $HOME/.config/peerlink (the XDG Base Directory rule), created mode 0700.
#pragma once

#include <string>

#include "common/base/result.h"

namespace peerlink::lobby {

// The folder, without creating it. XDG_CONFIG_HOME counts only when it is an absolute path (the
// XDG rule: a relative one is ignored); then HOME, then the password database's home. A failure
// when there is no home at all ("cannot find the configuration folder: set HOME or
// XDG_CONFIG_HOME").
Expected<std::string> config_dir_path();

// The same folder, created with any missing parent (mode 0700) when it does not exist.
Expected<std::string> config_dir();

}  // namespace peerlink::lobby
