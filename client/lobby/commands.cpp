// The lobby's command vocabulary.
#include "client/lobby/commands.h"

#include <array>

namespace peerlink::lobby {
namespace {

struct Alias {
  const char* word;
  LobbyCommandKind kind;
};

constexpr std::array<Alias, 26> kAliases = {{
    {"users", LobbyCommandKind::kUsers},
    {"list", LobbyCommandKind::kUsers},
    {"who", LobbyCommandKind::kUsers},
    {"info", LobbyCommandKind::kInfo},
    {"chat", LobbyCommandKind::kChat},
    {"files", LobbyCommandKind::kFiles},
    {"search", LobbyCommandKind::kSearch},
    {"find", LobbyCommandKind::kSearch},
    {"get", LobbyCommandKind::kGet},
    {"download", LobbyCommandKind::kGet},
    {"send", LobbyCommandKind::kSend},
    {"upload", LobbyCommandKind::kSend},
    {"share", LobbyCommandKind::kShare},
    {"rescan", LobbyCommandKind::kShare},
    {"transfers", LobbyCommandKind::kTransfers},
    {"wait", LobbyCommandKind::kWait},
    {"help", LobbyCommandKind::kHelp},
    {"?", LobbyCommandKind::kHelp},
    {"menu", LobbyCommandKind::kHelp},
    {"quit", LobbyCommandKind::kQuit},
    {"exit", LobbyCommandKind::kQuit},
    {"q", LobbyCommandKind::kQuit},
    {"y", LobbyCommandKind::kYes},
    {"yes", LobbyCommandKind::kYes},
    {"n", LobbyCommandKind::kNo},
    {"no", LobbyCommandKind::kNo},
}};

bool is_space(char c) { return c == ' ' || c == '\t'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_lower(std::string_view typed, std::string_view word) {
  if (typed.size() != word.size()) return false;
  for (size_t i = 0; i < typed.size(); ++i) {
    if (ascii_lower(typed[i]) != word[i]) return false;
  }
  return true;
}

// Menu number 1..N as typed ("3"), or 0 if `word` is not one.
size_t menu_number(std::string_view word) {
  if (word.empty() || word.size() > 3) return 0;
  size_t n = 0;
  for (char c : word) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n <= lobby_menu().size() ? n : 0;
}

}  // namespace

const std::vector<MenuEntry>& lobby_menu() {
  static const std::vector<MenuEntry> kMenu = {
      {LobbyCommandKind::kUsers, "users", "", "list who is online"},
      {LobbyCommandKind::kInfo, "info", "USER", "show a user's address"},
      {LobbyCommandKind::kChat, "chat", "USER", "ask a user to chat"},
      {LobbyCommandKind::kFiles, "files", "[USER]", "list shared files (everyone's or one user's)"},
      {LobbyCommandKind::kSearch, "search", "TEXT", "find shared files whose name holds TEXT"},
      {LobbyCommandKind::kGet, "get", "NAME [USER]", "download a file in the background"},
      {LobbyCommandKind::kSend, "send", "PATH USER...", "offer a file of your shared folder"},
      {LobbyCommandKind::kShare, "share", "", "rescan your shared folder now"},
      {LobbyCommandKind::kTransfers, "transfers", "", "show downloads, running and finished"},
      {LobbyCommandKind::kHelp, "help", "", "show this menu"},
      {LobbyCommandKind::kQuit, "quit", "", "leave"},
  };
  return kMenu;
}

const MenuEntry* menu_entry(LobbyCommandKind kind) {
  for (const MenuEntry& e : lobby_menu()) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

bool needs_argument(LobbyCommandKind kind) { return argument_question(kind)[0] != '\0'; }

const char* argument_question(LobbyCommandKind kind) {
  switch (kind) {
    case LobbyCommandKind::kInfo:
      return "info on which user?";
    case LobbyCommandKind::kChat:
      return "chat with which user?";
    case LobbyCommandKind::kSearch:
      return "search for what?";
    case LobbyCommandKind::kGet:
      return "get which file? (NAME [USER])";
    case LobbyCommandKind::kSend:
      return "send which file to whom? (PATH USER...)";
    default:
      return "";
  }
}

const char* argument_prompt(LobbyCommandKind kind) {
  switch (kind) {
    case LobbyCommandKind::kSearch:
      return "text> ";
    case LobbyCommandKind::kGet:
      return "file> ";
    case LobbyCommandKind::kSend:
      return "send> ";
    default:
      return "user> ";
  }
}

LobbyCommand parse_lobby_command(std::string_view line) {
  LobbyCommand cmd;
  line = trim(line);
  if (line.empty()) return cmd;
  size_t end = 0;
  while (end < line.size() && !is_space(line[end])) ++end;
  std::string_view word = line.substr(0, end);
  cmd.word = std::string(word);
  cmd.arg = std::string(trim(line.substr(end)));
  cmd.kind = LobbyCommandKind::kUnknown;
  if (size_t n = menu_number(word); n > 0) {
    cmd.kind = lobby_menu()[n - 1].kind;
    return cmd;
  }
  for (const Alias& a : kAliases) {
    if (equals_lower(word, a.word)) {
      cmd.kind = a.kind;
      break;
    }
  }
  return cmd;
}

}  // namespace peerlink::lobby
