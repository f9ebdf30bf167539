// Unit tests of the screen (common/term/screen.h) and text widths (common/term/text_width.h):
// what is drawn for a given state, written to a pipe posing as a terminal of 80 columns (the
// width terminal_columns() assumes when it cannot ask).
#include "common/term/screen.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <set>
#include <string>

#include "common/term/text_width.h"

namespace peerlink {
namespace {

TEST(TextWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(display_width("hello"), 5u);
  EXPECT_EQ(display_width("h\xc3\xa9llo"), 5u);              // é: 2 bytes, 1 column
  EXPECT_EQ(display_width("\xe6\x97\xa5\xe6\x9c\xac"), 4u);  // 日本: wide
  EXPECT_EQ(display_width("\xed\x95\x9c"), 2u);              // 한 (Hangul)
  EXPECT_EQ(display_width("\xf0\x9f\x98\x80"), 2u);          // 😀
  EXPECT_EQ(display_width("e\xcc\x81"), 1u);                 // e + combining acute
  EXPECT_EQ(display_width("a\xffz"), 3u);                    // an invalid byte: one column
  EXPECT_EQ(display_width("\xe2\x82"), 2u);                  // a cut character: one per byte
}

TEST(TextWidth, PrefixOfWidthCutsBetweenCharacters) {
  EXPECT_EQ(prefix_of_width("\xe6\x97\xa5\xe6\x9c\xac", 3), "\xe6\x97\xa5");
  EXPECT_EQ(prefix_of_width("abc", 5), "abc");
  EXPECT_EQ(prefix_of_width("ae\xcc\x81x", 2), "ae\xcc\x81");
  EXPECT_EQ(previous_boundary("a\xf0\x9f\x98\x80", 5), 1u);
  EXPECT_EQ(next_boundary("a\xf0\x9f\x98\x80", 1), 5u);
}

TEST(InputRow, FitsOrScrollsAroundTheCursor) {
  InputRow r = input_row("hello", 3, 10);
  EXPECT_EQ(r.text, "hello");
  EXPECT_EQ(r.cursor_column, 3u);
  EXPECT_FALSE(r.scrolled);
  // Too long, cursor at the end: '<' and the end of the line, as the lobby has always shown.
  const std::string line = "abcdefghijklmnopqrstuvwxyz";
  r = input_row(line, line.size(), 10);
  EXPECT_EQ(r.text, "<rstuvwxyz");
  EXPECT_EQ(r.cursor_column, 10u);
  EXPECT_TRUE(r.scrolled);
  // At the start: the beginning, cut to the room.
  r = input_row(line, 0, 10);
  EXPECT_EQ(r.text, "abcdefghij");
  EXPECT_EQ(r.cursor_column, 0u);
  // In the middle: a window holding the cursor.
  r = input_row(line, 13, 10);
  EXPECT_EQ(r.text[0], '<');
  EXPECT_LE(display_width(r.text), 10u);
  EXPECT_EQ(r.text[r.cursor_column], 'n');
  // Wide characters are two columns: five of them need ten.
  const std::string wide = "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5";
  r = input_row(wide, wide.size(), 10);
  EXPECT_FALSE(r.scrolled);
  EXPECT_EQ(r.cursor_column, 10u);
  r = input_row(wide, wide.size(), 8);
  EXPECT_EQ(r.text, "<\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5");  // 7 columns: no half character
  EXPECT_EQ(r.cursor_column, 7u);
}

TEST(WrapText, RowsFitAndBreakAfterSpaces) {
  EXPECT_EQ(wrap_text("short", 10, 10), (std::vector<std::string>{"short"}));
  EXPECT_EQ(wrap_text("", 10, 10), (std::vector<std::string>{""}));
  EXPECT_EQ(wrap_text("the quick brown fox", 10, 10),
            (std::vector<std::string>{"the quick", "brown fox"}));
  EXPECT_EQ(wrap_text("abcdefghijklmnop", 10, 4),
            (std::vector<std::string>{"abcdefghij", "klmn", "op"}));
  // Wide characters: never more columns than the room, never split.
  const std::vector<std::string> rows =
      wrap_text("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", 5, 5);
  ASSERT_EQ(rows.size(), 3u);
  for (const std::string& row : rows) EXPECT_LE(display_width(row), 5u);
  EXPECT_EQ(rows[0], "\xe6\x97\xa5\xe6\x97\xa5");
}

TEST(NameColour, StableAndOneOfSix) {
  EXPECT_EQ(name_colour("alice"), name_colour("alice"));
  std::set<std::string_view> seen;
  for (int i = 0; i < 200; ++i) seen.insert(name_colour("user" + std::to_string(i)));
  EXPECT_EQ(seen.size(), 6u);
}

// A Screen writing into a pipe; output() reads what it wrote so far.
class ScreenOutput {
 public:
  ScreenOutput() { EXPECT_EQ(::pipe2(fds_, O_NONBLOCK), 0); }
  ~ScreenOutput() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::string output() {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(Screen, PipeGetsPlainLinesOnly) {
  ScreenOutput out;
  Screen screen(out.fd(), false, true);
  screen.set_conversation(true);
  screen.line("connected to bob", Screen::Tone::kNotice);
  screen.chat("bob", "hi", false);
  screen.chat("alice", "hello", true);  // our own line: not on a pipe
  screen.set_status(1, "x.bin [....]");
  screen.set_input("[bob] ", "typed", 5);
  screen.commit_input();
  screen.hide_input();
  screen.redraw();
  EXPECT_EQ(out.output(), "connected to bob\nbob: hi\n");
}

TEST(Screen, LineAboveTheInputLine) {
  ScreenOutput out;
  Screen screen(out.fd(), true, true);
  screen.set_input("p> ", "abc", 3);
  EXPECT_EQ(out.output(),
            "\x1b[1mp> \x1b[0m"
            "abc");
  screen.line("news", Screen::Tone::kNews);
  EXPECT_EQ(out.output(),
            "\r\x1b[K\x1b[36mnews\x1b[0m\n\x1b[1mp> \x1b[0m"
            "abc");
  // The cursor moved back: drawn after the text, then moved left.
  screen.set_input("p> ", "abc", 1);
  EXPECT_EQ(out.output(),
            "\r\x1b[K\x1b[1mp> \x1b[0m"
            "abc\x1b[2D");
  // An echo at the end is written as it is only when the cursor is there.
  screen.echo_input("d", "abcd", 4);
  EXPECT_EQ(out.output(),
            "\r\x1b[K\x1b[1mp> \x1b[0m"
            "abcd");
  screen.echo_input("e", "abcde", 5);
  EXPECT_EQ(out.output(), "e");
  screen.hide_input();
  EXPECT_EQ(out.output(), "\r\x1b[K");
  screen.line("plain");
  EXPECT_EQ(out.output(), "plain\n");
}

TEST(Screen, StatusLineBetweenTextAndInput) {
  ScreenOutput out;
  Screen screen(out.fd(), true, false);  // no colour: only cursor movements
  screen.set_input("> ", "hi", 2);
  out.output();
  screen.set_status(7, "f.bin 10%");
  EXPECT_EQ(out.output(),
            "\r\x1b[K\r\x1b[K"
            "f.bin 10%\n> hi");
  screen.set_status(7, "f.bin 50%");  // both rows wiped, both drawn again
  EXPECT_EQ(out.output(),
            "\r\x1b[K\x1b[A\r\x1b[K\r\x1b[K"
            "f.bin 50%\n> hi");
  screen.line("text");
  EXPECT_EQ(out.output(),
            "\r\x1b[K\x1b[A\r\x1b[Ktext\n\r\x1b[K"
            "f.bin 50%\n> hi");
  screen.set_input("> ", "hi!", 3);  // only the input row
  EXPECT_EQ(out.output(), "\r\x1b[K> hi!");
  screen.clear_status(7);
  EXPECT_EQ(out.output(), "\r\x1b[K\x1b[A\r\x1b[K> hi!");
}

TEST(Screen, ConversationLinesWrapUnderTheirText) {
  ScreenOutput out;
  Screen screen(out.fd(), true, false);
  screen.set_conversation(true);
  const std::string words =
      "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
  screen.chat("bob", words, false);
  const std::string s = out.output();
  // "HH:MM bob: " is 11 columns; rows of at most 79 - 11 = 68, the next under the text.
  EXPECT_TRUE(std::regex_match(
      s, std::regex(R"(\d\d:\d\d bob: one two .* twelve\n {11}thirteen fourteen\n)")))
      << s;
  screen.line("hashing x (1.0 MiB)...");
  EXPECT_TRUE(std::regex_match(out.output(),
                               std::regex(R"(\d\d:\d\d -!- hashing x \(1\.0 MiB\)\.\.\.\n)")));
}

TEST(Screen, ChatNamesInTheirColour) {
  ScreenOutput out;
  Screen screen(out.fd(), true, true);
  screen.set_conversation(true);
  screen.chat("alice", "hi", true);
  const std::string s = out.output();
  EXPECT_NE(s.find(std::string(name_colour("alice")) + "alice\x1b[0m: hi\n"), std::string::npos)
      << s;
  screen.line("failed", Screen::Tone::kError);
  EXPECT_NE(out.output().find("\x1b[2m-!-\x1b[0m \x1b[31mfailed\x1b[0m\n"), std::string::npos);
}

}  // namespace
}  // namespace peerlink
