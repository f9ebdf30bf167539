// Unit tests of the line editor of the lobby and the session, fed byte by byte as from a raw
// terminal.
#include "common/term/line_editor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlink {
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

TEST(LineEditor, TypingEchoesAndEnterCompletes) {
  LineEditor ed;
  Fed r = feed(&ed, "chat bob");
  EXPECT_EQ(r.echo, "chat bob");
  EXPECT_EQ(ed.buffer(), "chat bob");
  r = feed(&ed, "\n");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "chat bob");
  EXPECT_EQ(ed.buffer(), "");
}

TEST(LineEditor, CrLfIsOneLine) {
  LineEditor ed;
  Fed r = feed(&ed, "a\r\nb\r\n\n");
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], "a");
  EXPECT_EQ(r.lines[1], "b");
  EXPECT_EQ(r.lines[2], "");
}

TEST(LineEditor, BackspaceErasesWholeUtf8Characters) {
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

TEST(LineEditor, KillLineAndWord) {
  LineEditor ed;
  feed(&ed, "chat bob  ");
  Fed r = feed(&ed, "\x17");
  EXPECT_EQ(r.events.back(), Event::kRedraw);
  EXPECT_EQ(ed.buffer(), "chat ");
  feed(&ed, "\x15");
  EXPECT_EQ(ed.buffer(), "");
  EXPECT_EQ(feed(&ed, "\x0c").events.back(), Event::kRedraw);
}

TEST(LineEditor, CtrlDOnlyEndsAnEmptyLine) {
  LineEditor ed;
  feed(&ed, "x");
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kNone);
  feed(&ed, "\x7f");
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kEof);
}

// Ctrl-A is Home and Tab completion now (issue 10); the other controls and unknown sequences
// (F1 = ESC O P, Alt-x = ESC x, Ctrl-Right at the end) are still swallowed whole.
TEST(LineEditor, EscapeSequencesAndControlsAreSwallowed) {
  LineEditor ed;
  Fed r = feed(&ed,
               "a\x1b[A\x1b[1;5C\x1bOPb\x07\x1b"
               "xc\x1b[200~\x1b[15;2~");
  EXPECT_EQ(ed.buffer(), "abc");
  EXPECT_EQ(r.echo, "abc");
  feed(&ed, "\t");  // no completer: nothing
  EXPECT_EQ(ed.buffer(), "abc");
}

TEST(LineEditor, LineLengthIsBounded) {
  LineEditor ed(8);
  feed(&ed, "0123456789");
  EXPECT_EQ(ed.buffer(), "01234567");
  Fed r = feed(&ed, "\n");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "01234567");
}

// Types `keys` into a fresh editor; the buffer with the cursor shown as '|'.
std::string after(LineEditor* ed, const std::string& keys) {
  feed(ed, keys);
  std::string s = ed->buffer();
  s.insert(ed->cursor(), "|");
  return s;
}

TEST(LineEditor, LeftRightHomeEndInEveryEncoding) {
  LineEditor ed;
  EXPECT_EQ(after(&ed, "helo\x1b[Dl"), "hell|o");  // ESC [ D
  EXPECT_EQ(after(&ed, "\x1b[C"), "hello|");
  EXPECT_EQ(after(&ed, "\x1bOD\x1bOD"), "hel|lo");  // SS3 form
  EXPECT_EQ(after(&ed, "\x1bOC"), "hell|o");
  EXPECT_EQ(after(&ed, "\x1b[H"), "|hello");
  EXPECT_EQ(after(&ed, "\x1b[F"), "hello|");
  EXPECT_EQ(after(&ed, "\x1b[1~"), "|hello");
  EXPECT_EQ(after(&ed, "\x1b[4~"), "hello|");
  EXPECT_EQ(after(&ed, "\x1bOH"), "|hello");
  EXPECT_EQ(after(&ed, "\x1bOF"), "hello|");
  EXPECT_EQ(after(&ed, "\x01"), "|hello");  // Ctrl-A
  EXPECT_EQ(after(&ed, "\x05"), "hello|");  // Ctrl-E
  EXPECT_EQ(after(&ed, "\x1b[7~"), "|hello");
  EXPECT_EQ(after(&ed, "\x1b[8~"), "hello|");
  EXPECT_EQ(after(&ed, "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D"), "|hello");  // stops at 0
  EXPECT_EQ(feed(&ed, "\x1b[D").events.back(), Event::kNone);
  // Typing in the middle asks for a redraw, not an echo.
  Fed r = feed(&ed, "x");
  EXPECT_EQ(r.events.back(), Event::kRedraw);
  EXPECT_EQ(r.echo, "");
  EXPECT_EQ(ed.buffer(), "xhello");
}

TEST(LineEditor, DeleteAndKills) {
  LineEditor ed;
  EXPECT_EQ(after(&ed, "one two three\x1b[H\x1b[3~"), "|ne two three");  // Delete
  EXPECT_EQ(after(&ed, "\x04"), "|e two three");  // Ctrl-D on a non-empty line deletes too
  EXPECT_EQ(after(&ed, "\x05\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b"), "e two |");  // Ctrl-K
  EXPECT_EQ(after(&ed, "\x17"), "e |");                                        // Ctrl-W
  EXPECT_EQ(after(&ed, "x y\x1b[D\x1b[D\x15"), "| y");  // Ctrl-U: only up to the cursor
  EXPECT_EQ(after(&ed, "\x7f"), "| y");                 // Backspace at the start: nothing
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kRedraw);
  EXPECT_EQ(after(&ed, "\x04\x04"), "|");
  EXPECT_EQ(feed(&ed, "\x04").events.back(), Event::kEof);
}

TEST(LineEditor, Utf8CharactersAreOneStep) {
  LineEditor ed;
  // "aé€😀b": 1, 2, 3 and 4 bytes.
  feed(&ed,
       "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
       "b");
  EXPECT_EQ(after(&ed, "\x1b[D\x1b[D"),
            "a\xc3\xa9\xe2\x82\xac|\xf0\x9f\x98\x80"
            "b");
  EXPECT_EQ(after(&ed, "\x1b[D"),
            "a\xc3\xa9|\xe2\x82\xac\xf0\x9f\x98\x80"
            "b");
  EXPECT_EQ(after(&ed, "\x7f"),
            "a|\xe2\x82\xac\xf0\x9f\x98\x80"
            "b");
  EXPECT_EQ(after(&ed, "\x1b[3~"),
            "a|\xf0\x9f\x98\x80"
            "b");
  EXPECT_EQ(after(&ed, "\x1b[C"), "a\xf0\x9f\x98\x80|b");
  // A letter and its combining accent are one step.
  LineEditor comb;
  EXPECT_EQ(after(&comb, "xe\xcc\x81\x1b[D"), "x|e\xcc\x81");
  EXPECT_EQ(after(&comb, "\x1b[C\x7f"), "x|");
}

TEST(LineEditor, InvalidUtf8IsDropped) {
  LineEditor ed;
  // A stray continuation byte, a lead byte cut short by ASCII, an overlong "/", a surrogate, a
  // C1 control, bytes that never start a character: none reaches the buffer.
  feed(&ed,
       "a\x80"
       "b\xc3"
       "c\xc0\xaf\xed\xa0\x80\xc2\x85\xff\xfe"
       "d");
  EXPECT_EQ(ed.buffer(), "abcd");
  feed(&ed, "\xe2\x82");  // half a character is not shown yet
  EXPECT_EQ(ed.buffer(), "abcd");
  Fed r = feed(&ed, "\xac");
  EXPECT_EQ(ed.buffer(), "abcd\xe2\x82\xac");
  EXPECT_EQ(r.echo, "\xe2\x82\xac");  // echoed whole, once complete
}

TEST(LineEditor, HistoryKeepsTheLineBeingEdited) {
  LineEditor ed;
  feed(&ed, "first\r");
  feed(&ed, "second\r");
  feed(&ed, "second\r");  // the same twice is kept once
  feed(&ed, "\r");        // empty lines are not kept
  feed(&ed, "draft");
  EXPECT_EQ(after(&ed, "\x1b[A"), "second|");
  EXPECT_EQ(after(&ed, "\x1b[A"), "first|");
  EXPECT_EQ(feed(&ed, "\x1b[A").events.back(), Event::kNone);  // the oldest
  EXPECT_EQ(after(&ed, "\x1bOB"), "second|");
  EXPECT_EQ(after(&ed, "\x1b[B"), "draft|");  // back down: the draft is still there
  EXPECT_EQ(feed(&ed, "\x1b[B").events.back(), Event::kNone);
  EXPECT_EQ(after(&ed, "\x10"), "second|");  // Ctrl-P / Ctrl-N
  EXPECT_EQ(after(&ed, "\x0e"), "draft|");
  // Recalled and edited, Enter gives the edited line.
  Fed r = feed(&ed, "\x15\x1b[A!\r");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], "second!");
}

TEST(LineEditor, HistoryIsBounded) {
  LineEditor ed;
  for (size_t i = 0; i < LineEditor::kHistoryLimit + 10; ++i) feed(&ed, std::to_string(i) + "\r");
  for (size_t i = 0; i < LineEditor::kHistoryLimit; ++i) feed(&ed, "\x1b[A");
  EXPECT_EQ(ed.buffer(), "10");  // the oldest ten are gone
  EXPECT_EQ(feed(&ed, "\x1b[A").events.back(), Event::kNone);
}

TEST(LineEditor, TabCompletesThenLists) {
  LineEditor ed;
  std::string seen;
  ed.set_completer([&](std::string_view before) {
    seen = std::string(before);
    const size_t space = before.rfind(' ');
    LineEditor::Completion c;
    c.word_start = space == std::string_view::npos ? 0 : space + 1;
    if (c.word_start == 0) {
      c.candidates = {"users", "info", "chat", "search", "send"};
    } else {
      c.candidates = {"bob", "bobby", "alice"};
    }
    return c;
  });
  EXPECT_EQ(after(&ed, "us\t"), "users |");  // one candidate: completed, with a space
  EXPECT_EQ(seen, "us");
  EXPECT_EQ(after(&ed, "\x15s\t"), "se|");  // "search", "send": their common prefix
  Fed r = feed(&ed, "\t");                  // the second Tab lists them
  EXPECT_EQ(r.events.back(), Event::kList);
  EXPECT_EQ(ed.candidates(), (std::vector<std::string>{"search", "send"}));
  EXPECT_EQ(ed.candidates_total(), 2u);
  EXPECT_EQ(after(&ed, "\x15info b\t"), "info bob|");      // the common prefix of bob and bobby
  EXPECT_EQ(feed(&ed, "\t").events.back(), Event::kList);  // ambiguous: the next Tab lists
  EXPECT_EQ(after(&ed, "\x15info z\t\t"), "info z|");      // no match: nothing at all
  // In the middle of a line: the text before the cursor is what is completed.
  EXPECT_EQ(after(&ed,
                  "\x15"
                  "chat al x\x1b[D\x1b[D\t"),
            "chat alice | x");
}

TEST(LineEditor, ListIsBounded) {
  LineEditor ed;
  ed.set_completer([](std::string_view) {
    LineEditor::Completion c;
    for (int i = 0; i < 100; ++i) c.candidates.push_back("f" + std::to_string(100 + i));
    return c;
  });
  feed(&ed, "f\t");
  ASSERT_EQ(feed(&ed, "\t").events.back(), Event::kList);
  EXPECT_EQ(ed.candidates().size(), LineEditor::kListLimit);
  EXPECT_EQ(ed.candidates_total(), 100u);
}

}  // namespace
}  // namespace peerlink
