// Unit tests of how session input lines are read: chat, commands and answers to offers.
#include "common/session/commands.h"

#include <gtest/gtest.h>

namespace peerlink {
namespace {

using Kind = SessionCommand::Kind;

TEST(ParseSessionLine, ChatIsSentAsTyped) {
  const SessionCommand c = parse_session_line("  hello there  ", false);
  EXPECT_EQ(c.kind, Kind::kChat);
  EXPECT_EQ(c.text, "  hello there  ");
}

TEST(ParseSessionLine, BlankLinesSendNothing) {
  EXPECT_EQ(parse_session_line("", false).kind, Kind::kEmpty);
  EXPECT_EQ(parse_session_line(" \t ", true).kind, Kind::kEmpty);
}

TEST(ParseSessionLine, Commands) {
  EXPECT_EQ(parse_session_line("/quit", false).kind, Kind::kQuit);
  EXPECT_EQ(parse_session_line("  /quit ", false).kind, Kind::kQuit);
  EXPECT_EQ(parse_session_line("/help", true).kind, Kind::kHelp);
  SessionCommand c = parse_session_line("/send /tmp/my file.txt ", false);
  EXPECT_EQ(c.kind, Kind::kSend);
  EXPECT_EQ(c.text, "/tmp/my file.txt");
  c = parse_session_line("/send", false);
  EXPECT_EQ(c.kind, Kind::kSend);
  EXPECT_EQ(c.text, "");
}

TEST(ParseSessionLine, UnknownCommandsAreNotSent) {
  SessionCommand c = parse_session_line("/frobnicate now", false);
  EXPECT_EQ(c.kind, Kind::kUnknown);
  EXPECT_EQ(c.text, "/frobnicate");
  EXPECT_EQ(parse_session_line("/quit now", false).kind, Kind::kUnknown);
  EXPECT_EQ(parse_session_line("/SEND x", false).kind, Kind::kUnknown);
}

TEST(ParseSessionLine, DoubleSlashSendsALineStartingWithSlash) {
  SessionCommand c = parse_session_line("//quit is how you leave", false);
  EXPECT_EQ(c.kind, Kind::kChat);
  EXPECT_EQ(c.text, "/quit is how you leave");
  c = parse_session_line("  //x", false);
  EXPECT_EQ(c.kind, Kind::kChat);
  EXPECT_EQ(c.text, "/x");
}

TEST(ParseSessionLine, AnswersOnlyWhileAnOfferWaits) {
  for (const char* yes : {"y", "Y", "yes", " YES "}) {
    EXPECT_EQ(parse_session_line(yes, true).kind, Kind::kAccept) << yes;
    EXPECT_EQ(parse_session_line(yes, false).kind, Kind::kChat) << yes;
  }
  for (const char* no : {"n", "N", "no", "No"}) {
    EXPECT_EQ(parse_session_line(no, true).kind, Kind::kDecline) << no;
    EXPECT_EQ(parse_session_line(no, false).kind, Kind::kChat) << no;
  }
  EXPECT_EQ(parse_session_line("yeah", true).kind, Kind::kChat);
  EXPECT_EQ(parse_session_line("/quit", true).kind, Kind::kQuit);
}

TEST(SessionHelp, NamesEveryCommandAndThePeer) {
  const std::string help = session_help("bob");
  for (const char* word : {"/send PATH", "/quit", "/help", "y / n", "//", "bob"})
    EXPECT_NE(help.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace peerlink
