// Tab completion in the lobby.
#include "client/lobby/completions.h"

#include "client/lobby/commands.h"

namespace peerlink::lobby {

LineEditor::Completion complete_lobby_line(std::string_view before_cursor,
                                           const CompletionSources& sources) {
  LineEditor::Completion c;
  // The words before the one being completed (which starts after the last space).
  std::vector<std::string_view> words;
  size_t at = 0;
  for (;;) {
    while (at < before_cursor.size() && before_cursor[at] == ' ') ++at;
    const size_t end = before_cursor.find(' ', at);
    if (end == std::string_view::npos) break;
    words.push_back(before_cursor.substr(at, end - at));
    at = end;
  }
  c.word_start = at;
  if (words.empty()) {  // the command word
    for (const MenuEntry& e : lobby_menu()) c.candidates.emplace_back(e.word);
    return c;
  }
  const auto from = [](const std::function<std::vector<std::string>()>& source) {
    return source ? source() : std::vector<std::string>{};
  };
  const size_t arg = words.size();  // 1 = the first argument
  switch (parse_lobby_command(words[0]).kind) {
    case LobbyCommandKind::kInfo:
    case LobbyCommandKind::kChat:
    case LobbyCommandKind::kFiles:
      if (arg == 1) c.candidates = from(sources.users);
      break;
    case LobbyCommandKind::kGet:
      c.candidates = from(arg == 1 ? sources.remote_files : sources.users);
      break;
    case LobbyCommandKind::kSend:
      c.candidates = from(arg == 1 ? sources.local_files : sources.users);
      break;
    default:
      break;
  }
  return c;
}

}  // namespace peerlink::lobby
