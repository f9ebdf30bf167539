// Unit tests of the lobby's command vocabulary: words, aliases, menu numbers, arguments.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/lobby/commands.h"
#include "client/lobby/menu.h"

namespace peerlink::lobby {
namespace {

using K = LobbyCommandKind;

TEST(MenuCommands, WordsAndAliases) {
  EXPECT_EQ(parse_lobby_command("users").kind, K::kUsers);
  EXPECT_EQ(parse_lobby_command("LIST").kind, K::kUsers);
  EXPECT_EQ(parse_lobby_command("who").kind, K::kUsers);
  EXPECT_EQ(parse_lobby_command("info bob").kind, K::kInfo);
  EXPECT_EQ(parse_lobby_command("Chat bob").kind, K::kChat);
  EXPECT_EQ(parse_lobby_command("help").kind, K::kHelp);
  EXPECT_EQ(parse_lobby_command("?").kind, K::kHelp);
  EXPECT_EQ(parse_lobby_command("menu").kind, K::kHelp);
  EXPECT_EQ(parse_lobby_command("quit").kind, K::kQuit);
  EXPECT_EQ(parse_lobby_command("exit").kind, K::kQuit);
  EXPECT_EQ(parse_lobby_command("q").kind, K::kQuit);
  EXPECT_EQ(parse_lobby_command("y").kind, K::kYes);
  EXPECT_EQ(parse_lobby_command("YES").kind, K::kYes);
  EXPECT_EQ(parse_lobby_command("n").kind, K::kNo);
  EXPECT_EQ(parse_lobby_command("no").kind, K::kNo);
  EXPECT_EQ(parse_lobby_command("files").kind, K::kFiles);
  EXPECT_EQ(parse_lobby_command("search x").kind, K::kSearch);
  EXPECT_EQ(parse_lobby_command("FIND x").kind, K::kSearch);
  EXPECT_EQ(parse_lobby_command("get x").kind, K::kGet);
  EXPECT_EQ(parse_lobby_command("download x").kind, K::kGet);
  EXPECT_EQ(parse_lobby_command("send x bob").kind, K::kSend);
  EXPECT_EQ(parse_lobby_command("upload x bob").kind, K::kSend);
  EXPECT_EQ(parse_lobby_command("share").kind, K::kShare);
  EXPECT_EQ(parse_lobby_command("rescan").kind, K::kShare);
  EXPECT_EQ(parse_lobby_command("transfers").kind, K::kTransfers);
}

TEST(MenuCommands, BlankAndUnknown) {
  EXPECT_EQ(parse_lobby_command("").kind, K::kEmpty);
  EXPECT_EQ(parse_lobby_command(" \t ").kind, K::kEmpty);
  LobbyCommand c = parse_lobby_command("frobnicate now");
  EXPECT_EQ(c.kind, K::kUnknown);
  EXPECT_EQ(c.word, "frobnicate");
  EXPECT_EQ(c.arg, "now");
  EXPECT_EQ(parse_lobby_command("usersx").kind, K::kUnknown);
  EXPECT_EQ(parse_lobby_command("0").kind, K::kUnknown);
  EXPECT_EQ(parse_lobby_command("12").kind, K::kUnknown);
  EXPECT_EQ(parse_lobby_command("-1").kind, K::kUnknown);
  EXPECT_EQ(parse_lobby_command("1000000").kind, K::kUnknown);
}

TEST(MenuCommands, ArgumentIsTrimmedRest) {
  LobbyCommand c = parse_lobby_command("  chat \t bob  ");
  EXPECT_EQ(c.kind, K::kChat);
  EXPECT_EQ(c.word, "chat");
  EXPECT_EQ(c.arg, "bob");
  EXPECT_EQ(parse_lobby_command("info").arg, "");
}

TEST(MenuCommands, NumbersFollowTheMenu) {
  const auto& menu = lobby_menu();
  ASSERT_EQ(menu.size(), 11u);
  for (size_t i = 0; i < menu.size(); ++i) {
    LobbyCommand c = parse_lobby_command(std::to_string(i + 1) + " someone");
    EXPECT_EQ(c.kind, menu[i].kind) << i;
    EXPECT_EQ(c.arg, "someone");
    // The word from the table parses to the same command.
    EXPECT_EQ(parse_lobby_command(menu[i].word).kind, menu[i].kind);
  }
  EXPECT_EQ(parse_lobby_command("1").kind, K::kUsers);
  EXPECT_EQ(parse_lobby_command("3 bob").kind, K::kChat);
  EXPECT_EQ(parse_lobby_command("6 notes.txt").kind, K::kGet);
  EXPECT_EQ(parse_lobby_command("10").kind, K::kHelp);
  EXPECT_EQ(parse_lobby_command("11").kind, K::kQuit);
}

TEST(MenuCommands, ArgumentsKeepTheirInnerSpaces) {
  LobbyCommand c = parse_lobby_command("get  read me.txt  bob ");
  EXPECT_EQ(c.kind, K::kGet);
  EXPECT_EQ(c.arg, "read me.txt  bob");
}

TEST(MenuCommands, TableLookups) {
  ASSERT_NE(menu_entry(K::kChat), nullptr);
  EXPECT_STREQ(menu_entry(K::kChat)->word, "chat");
  EXPECT_STREQ(menu_entry(K::kChat)->arg, "USER");
  EXPECT_EQ(menu_entry(K::kYes), nullptr);
  EXPECT_TRUE(needs_argument(K::kInfo));
  EXPECT_TRUE(needs_argument(K::kChat));
  EXPECT_FALSE(needs_argument(K::kUsers));
  EXPECT_FALSE(needs_argument(K::kQuit));
  EXPECT_TRUE(needs_argument(K::kSearch));
  EXPECT_TRUE(needs_argument(K::kGet));
  EXPECT_TRUE(needs_argument(K::kSend));
  EXPECT_FALSE(needs_argument(K::kFiles));  // files alone lists everyone's
  EXPECT_FALSE(needs_argument(K::kShare));
  EXPECT_FALSE(needs_argument(K::kTransfers));
  EXPECT_STREQ(argument_question(K::kChat), "chat with which user?");
  EXPECT_STREQ(argument_question(K::kSend), "send which file to whom? (PATH USER...)");
  EXPECT_STREQ(argument_question(K::kUsers), "");
  EXPECT_STREQ(argument_prompt(K::kInfo), "user> ");
  EXPECT_STREQ(argument_prompt(K::kGet), "file> ");
}

TEST(MenuCommands, TheTerminalMenuFitsEightyColumns) {
  const std::vector<std::string> lines = menu_lines(true);
  ASSERT_GT(lines.size(), 11u);
  for (const std::string& l : lines) {
    size_t columns = 0;  // UTF-8: count the bytes that start a character
    for (unsigned char c : l) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 80u) << l;
  }
  EXPECT_EQ(lines[lines.size() - 2], "  type a number or a command; help shows this menu again");
}

}  // namespace
}  // namespace peerlink::lobby
