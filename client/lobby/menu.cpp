// The lobby's help.
#include "client/lobby/menu.h"

#include "client/lobby/commands.h"

namespace peerlink::lobby {
namespace {

constexpr const char* kAnswers =
    "answer a chat request or a file offer with y or n; with several open, y/n answers the "
    "oldest";

constexpr const char* kScripts =
    "wait waits for the running downloads; quit waits for them too (quit now does not)";

}  // namespace

std::vector<std::string> menu_lines(bool numbered) {
  std::vector<std::string> lines;
  const std::vector<MenuEntry>& menu = lobby_menu();
  if (!numbered) {
    std::string list = "commands:";
    for (size_t i = 0; i < menu.size(); ++i) {
      list += (i == 0 ? " " : ", ") + std::string(menu[i].word);
      if (menu[i].arg[0] != '\0') list += " " + std::string(menu[i].arg);
    }
    lines.push_back(list);
    lines.push_back(kAnswers);
    lines.push_back(kScripts);
    return lines;
  }
  constexpr size_t kCommandWidth = 18;
  for (size_t i = 0; i < menu.size(); ++i) {
    std::string number = std::to_string(i + 1);
    if (number.size() < 2) number.insert(0, " ");
    std::string command = menu[i].word;
    if (menu[i].arg[0] != '\0') command += " " + std::string(menu[i].arg);
    if (command.size() < kCommandWidth) command.append(kCommandWidth - command.size(), ' ');
    lines.push_back(" " + number + "  " + command + "  " + menu[i].what);
  }
  // Each hint line fits an 80-column terminal (tests/unit/lobby/menu_commands_test.cpp).
  lines.push_back("  type a number or a command; help shows this menu again");
  lines.push_back("  y or n answers a chat request or a file offer (the oldest first)");
  return lines;
}

}  // namespace peerlink::lobby
