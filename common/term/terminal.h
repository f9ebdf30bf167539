// The session's name for the screen: its code says Console where the lobby's says Screen. One
// class (common/term/screen.h); this header only keeps the older name working.
#pragma once

#include "common/term/screen.h"

namespace peerlink {

using Console = Screen;

}  // namespace peerlink
