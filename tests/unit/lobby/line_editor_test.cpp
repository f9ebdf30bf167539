// Unit tests of the lobby's terminal line editor, fed byte by byte as from a raw terminal.
#include "client/lobby/line_editor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlink::lobby {
namespace {

using Event = LineEditor::Event;

// Feeds `bytes`; returns the completed lines, and the echo and events seen.
struct Fed {
  std::vector<std::string> lines;
  std::string echo;
  std::vector<Event> events;
};

Fed feed(LineEditor* ed, const std::string& bytes) {
  Fed r;
  for (char c : bytes) {
    std::string echo, line;
    Event e = ed->feed(c, &echo, &line);
    r.events.push_back(e);
    if (e == Event::kEcho) r.echo += echo;
    if (e == Event::kLine) r.lines.push_back(line);
  }
  return r;
}

TEST(ClientLineEditor, TypingEchoesAndEnterCompletes) {
  LineEditor ed;
  Fed r = feed(&ed, "chat bob");
  EXPECT_EQ(r.echo, "chat bob");
  EXPECT_EQ(ed.buffer(), "chat bob");
  r = feed(&ed, "\n");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "chat bob");
  EXPECT_EQ(ed.buffer(), "");
}

TEST(ClientLineEditor, CrLfIsOneLine) {
  LineEditor ed;
  Fed r = feed(&ed, "a\r\nb\r\n\n");
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], "a");
  EXPECT_EQ(r.lines[1], "b");
  EXPECT_EQ(r.lines[2], "");
}

TEST(ClientLineEditor, BackspaceErasesWholeUtf8Characters) {
  LineEditor ed;
  feed(&ed, "h\xc3\xa9\xe2\x82\xac");  // "hé€"
  Fed r = feed(&ed, "\x7f");
  EXPECT_EQ(ed.buffer(), "h\xc3\xa9");
  EXPECT_EQ(r.echo, "\b \b");
  feed(&ed, "\x08");
  EXPECT_EQ(ed.buffer(), "h");
  feed(&ed, "\x7f\x7f\x7f");
  EXPECT_EQ(ed.buffer(), "");
  r = feed(&ed, "\x7f");
  EXPECT_EQ(r.events.back(), Event::kNone);
}

TEST(ClientLineEditor, KillLineAndWord) {
  LineEditor ed;
  feed(&ed, "chat bob  ");
  Fed r = feed(&ed, "\x17");
  EXPECT_EQ(r.events.back(), Event::kRedraw);
  EXPECT_EQ(ed.buffer(), "chat ");
  feed(&ed, "\x15");
  EXPECT_EQ(ed.buffer(), "");
  EXPECT_EQ(feed(&ed, "\x0c").events.back(), Event::kRedraw);
}

TEST(ClientLineEditor, CtrlDOnlyEndsAnEmptyLine) {
  LineEditor ed;
  feed(&ed, "x");
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kNone);
  feed(&ed, "\x7f");
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kEof);
}

TEST(ClientLineEditor, EscapeSequencesAndControlsAreSwallowed) {
  LineEditor ed;
  Fed r = feed(&ed,
               "a\x1b[A\x1b[1;5C\x1bOPb\x01\x1b"
               "xc");
  EXPECT_EQ(ed.buffer(), "abc");
  EXPECT_EQ(r.echo, "abc");
  feed(&ed, "\t");
  EXPECT_EQ(ed.buffer(), "abc ");
}

TEST(ClientLineEditor, LineLengthIsBounded) {
  LineEditor ed(8);
  feed(&ed, "0123456789");
  EXPECT_EQ(ed.buffer(), "01234567");
  Fed r = feed(&ed, "\n");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "01234567");
}

}  // namespace
}  // namespace peerlink::lobby
