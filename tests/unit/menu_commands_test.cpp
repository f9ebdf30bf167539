// Unit tests of the lobby's command vocabulary: words, aliases, menu numbers, arguments.
#include <gtest/gtest.h>

#include <string>

#include "common/client_commands.h"

namespace peerlink {
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
  EXPECT_EQ(parse_lobby_command("6").kind, K::kUnknown);
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
  ASSERT_EQ(menu.size(), 5u);
  for (size_t i = 0; i < menu.size(); ++i) {
    LobbyCommand c = parse_lobby_command(std::to_string(i + 1) + " someone");
    EXPECT_EQ(c.kind, menu[i].kind) << i;
    EXPECT_EQ(c.arg, "someone");
    // The word from the table parses to the same command.
    EXPECT_EQ(parse_lobby_command(menu[i].word).kind, menu[i].kind);
  }
  EXPECT_EQ(parse_lobby_command("1").kind, K::kUsers);
  EXPECT_EQ(parse_lobby_command("3 bob").kind, K::kChat);
  EXPECT_EQ(parse_lobby_command("5").kind, K::kQuit);
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
}

}  // namespace
}  // namespace peerlink
