// The lobby's command vocabulary: the numbered menu table and the parser for typed lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace peerlink::lobby {

enum class LobbyCommandKind {
  kEmpty,      // blank line
  kUsers,      // users
  kInfo,       // info USER
  kChat,       // chat USER
  kFiles,      // files [USER]
  kSearch,     // search TEXT
  kGet,        // get NAME [USER]
  kSend,       // send PATH USER...
  kShare,      // share (rescan the shared folder now)
  kTransfers,  // transfers
  kHelp,       // help
  kQuit,       // quit [now]
  kWait,       // wait: for the running downloads (not in the numbered menu)
  kYes,        // y: answers the oldest open question (a chat request or a file offer)
  kNo,         // n
  kUnknown,    // anything else; `word` holds what was typed
};

struct LobbyCommand {
  LobbyCommandKind kind = LobbyCommandKind::kEmpty;
  std::string word;  // the command word as typed (for messages), e.g. "chat" or "3"
  std::string arg;   // the rest of the line with surrounding spaces removed ("" if none)
};

// One line of the numbered menu. Entries are numbered from 1 in table order.
struct MenuEntry {
  LobbyCommandKind kind;
  const char* word;  // "chat"
  const char* arg;   // "USER", or "" when the command takes no argument
  const char* what;  // "ask a user to chat"
};

// The lobby menu, in display order (entry i is number i + 1).
const std::vector<MenuEntry>& lobby_menu();

// The menu entry of `kind`, or nullptr (kEmpty, kWait, kYes, kNo, kUnknown have none).
const MenuEntry* menu_entry(LobbyCommandKind kind);

// True if `kind` needs an argument (info, chat, search, get, send). Typed alone, the lobby asks
// argument_question() and takes the next line as the argument.
bool needs_argument(LobbyCommandKind kind);
// "chat with which user?" etc.; "" for a kind that needs no argument.
const char* argument_question(LobbyCommandKind kind);
// The prompt while that answer is awaited: "user> ", "text> ", "file> ", "send> ".
const char* argument_prompt(LobbyCommandKind kind);

// Parses one typed line. The first word is a menu number ("3"), a command word or one of its
// aliases (case-insensitive: "users"/"list"/"who", "info", "chat", "files", "search"/"find",
// "get"/"download", "send"/"upload", "share"/"rescan", "transfers", "wait", "help"/"?"/"menu",
// "quit"/"exit"/"q", "y"/"yes", "n"/"no"); the rest of the line is the argument. Tabs count as
// spaces. Never fails: an unrecognised word gives kUnknown.
LobbyCommand parse_lobby_command(std::string_view line);

}  // namespace peerlink::lobby
