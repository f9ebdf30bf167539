// Tab completion in the lobby: which words fit where the cursor is. A command word first; then,
// by command, a user name (info, chat, files, and the users after get NAME / send PATH), a file
// name from the directory (get) or from the shared folder (send).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/term/line_editor.h"

namespace peerlink::lobby {

// Where the candidates come from; each is asked only when its kind of word is being completed.
struct CompletionSources {
  std::function<std::vector<std::string>()> users;         // online users (the broker's list)
  std::function<std::vector<std::string>()> remote_files;  // names in the directory
  std::function<std::vector<std::string>()> local_files;   // names in the shared folder
};

// The completion for `before_cursor` (the typed text up to the cursor). Pure but for the sources.
LineEditor::Completion complete_lobby_line(std::string_view before_cursor,
                                           const CompletionSources& sources);

}  // namespace peerlink::lobby
