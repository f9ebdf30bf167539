// The lobby's help: a numbered menu on a terminal, a one-line command list otherwise.
#pragma once

#include <string>
#include <vector>

namespace peerlink::lobby {

// The lines to print for `help` (and, on a terminal, at start; not when back from a session).
// `numbered`: one line per command with its menu number ("  3  chat USER          ask a user to
// chat"); otherwise a compact list ("commands: users, info USER, chat USER, files [USER], ...,
// help, quit"). Both end with how questions (chat requests, file offers) are answered.
std::vector<std::string> menu_lines(bool numbered);

}  // namespace peerlink::lobby
