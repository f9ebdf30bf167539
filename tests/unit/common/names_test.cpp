// Tests for the rules applied to untrusted user names, file names and printed text.
#include "common/fs/names.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace peerlink {
namespace {

TEST(ValidUserNameTest, Edges) {
  EXPECT_FALSE(valid_user_name(""));
  EXPECT_TRUE(valid_user_name("a"));
  EXPECT_TRUE(valid_user_name("7"));
  EXPECT_TRUE(valid_user_name("alice_b.c-d"));
  EXPECT_TRUE(valid_user_name(std::string(32, 'x')));
  EXPECT_FALSE(valid_user_name(std::string(33, 'x')));
  EXPECT_FALSE(valid_user_name("-alice"));
  EXPECT_FALSE(valid_user_name(".alice"));
  EXPECT_FALSE(valid_user_name("_alice"));
  // Lookalikes of "alice" (issue 7, item 6).
  for (const char* lookalike : {"alice-", "alice.", "alice_", "al..ice", "al.-ice"}) {
    EXPECT_FALSE(valid_user_name(lookalike)) << lookalike;
  }
  EXPECT_TRUE(valid_user_name("al.ice"));
  for (const char* bad : {"al ice", "al/ice", "al:ice", "alice\n", "al\tice", "ali\xc3\xa9"}) {
    EXPECT_FALSE(valid_user_name(bad)) << bad;
  }
  EXPECT_FALSE(valid_user_name(std::string_view("al\0ce", 5)));
}

TEST(SafeFileNameTest, Table) {
  struct Case {
    std::string name;
    bool safe;
  };
  const Case cases[] = {
      {"report.pdf", true},
      {"a", true},
      {"archive.tar.gz", true},
      {"with space.txt", true},
      {"h\xc3\xa9llo.txt", true},
      {"x.", true},
      {std::string(255, 'a'), true},
      {std::string(256, 'a'), false},
      {"", false},
      {".", false},
      {"..", false},
      {".hidden", false},
      {"a/b", false},
      {"/etc", false},
      {"a\\b", false},
      {std::string("a\0b", 3), false},
      {"a\nb", false},
      {"a\x1b[31m", false},
      {"a\x7f", false},
      {"tab\there", false},
  };
  for (const Case& c : cases) EXPECT_EQ(safe_file_name(c.name), c.safe) << c.name;
}

TEST(SanitizeFileNameTest, Examples) {
  EXPECT_EQ(sanitize_file_name("../../x"), "x");
  EXPECT_EQ(sanitize_file_name("/etc/passwd"), "passwd");
  EXPECT_EQ(sanitize_file_name(".."), "unnamed");
  EXPECT_EQ(sanitize_file_name("."), "unnamed");
  EXPECT_EQ(sanitize_file_name(""), "unnamed");
  EXPECT_EQ(sanitize_file_name("dir/"), "unnamed");
  EXPECT_EQ(sanitize_file_name(".bashrc"), "bashrc");
  EXPECT_EQ(sanitize_file_name("a\x1b[31mb.txt"), "a[31mb.txt");
  EXPECT_EQ(sanitize_file_name("report.pdf"), "report.pdf");
  EXPECT_EQ(sanitize_file_name("C:\\Windows\\evil.exe"), "evil.exe");
  EXPECT_EQ(sanitize_file_name("  . .x y  "), "x y");
  EXPECT_EQ(sanitize_file_name("\x01.hidden"), "hidden");
  EXPECT_EQ(sanitize_file_name(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(sanitize_file_name("\n\r\t"), "unnamed");
}

TEST(SanitizeFileNameTest, TruncatesWithoutSplittingUtf8) {
  EXPECT_EQ(sanitize_file_name(std::string(300, 'a')), std::string(255, 'a'));
  // 254 ASCII bytes then a 2-byte character: the character would straddle the limit.
  const std::string name = std::string(254, 'a') + "\xc3\xa9" + "tail";
  EXPECT_EQ(sanitize_file_name(name), std::string(254, 'a'));
  // 252 ASCII bytes then a 4-byte character ending exactly at byte 256.
  const std::string emoji = std::string(252, 'a') + "\xf0\x9f\x98\x80";
  EXPECT_EQ(sanitize_file_name(emoji), std::string(252, 'a'));
  // Truncation that exposes trailing spaces removes them too.
  EXPECT_EQ(sanitize_file_name("b" + std::string(300, ' ') + "c"), "b");
}

TEST(SanitizeFileNameTest, RandomBytesAlwaysGiveSafeNames) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 400);
  // Bias some inputs toward the troublesome characters so they actually occur often.
  const char specials[] = {'.', '/', '\\', ' ', '\0', '\x7f', '\x1b', '\xc3', '\x80'};
  for (int i = 0; i < 5000; ++i) {
    std::string in;
    const int n = length(rng);
    for (int j = 0; j < n; ++j) {
      const int b = byte(rng);
      in.push_back(i % 2 == 0 ? static_cast<char>(b)
                              : specials[static_cast<size_t>(b) % sizeof(specials)]);
    }
    const std::string out = sanitize_file_name(in);
    EXPECT_TRUE(safe_file_name(out)) << "input #" << i;
  }
}

TEST(PrintableTest, Cases) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable(""), "");
  EXPECT_EQ(printable("tab\tkept"), "tab\tkept");
  EXPECT_EQ(printable("\x1b[2J"), "?[2J");  // ESC
  EXPECT_EQ(printable("ding\a"), "ding?");  // BEL
  EXPECT_EQ(printable("del\x7f"), "del?");  // DEL
  EXPECT_EQ(printable("line\nbreak\r"), "line?break?");
  EXPECT_EQ(printable(std::string("nul\0", 4)), "nul?");
  EXPECT_EQ(printable(std::string("c1\xc2\x9b") + "31m"), "c1?31m");  // C1 CSI
  EXPECT_EQ(printable("\xc2\x80\xc2\x9f"), "??");
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is not a control
  EXPECT_EQ(printable("bad\xff"), "bad?");
  EXPECT_EQ(printable("h\xc3\xa9llo \xe2\x9c\x93"), "h\xc3\xa9llo \xe2\x9c\x93");
  EXPECT_EQ(printable("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

TEST(PrintableTest, InvalidUtf8BecomesQuestionMarks) {
  EXPECT_EQ(printable("\x80"), "?");                      // lone continuation byte
  EXPECT_EQ(printable("\xc3"), "?");                      // truncated sequence at the end
  EXPECT_EQ(printable(std::string("\xc3") + "a"), "?a");  // truncated sequence mid-text
  EXPECT_EQ(printable("\xc0\xaf"), "??");                 // overlong '/'
  EXPECT_EQ(printable("\xe0\x80\xaf"), "???");            // overlong 3-byte form
  EXPECT_EQ(printable("\xed\xa0\x80"), "???");            // UTF-16 surrogate
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "????");       // above U+10FFFF
  EXPECT_EQ(printable("\xe2\x9c"), "??");                 // cut 3-byte sequence
  EXPECT_EQ(printable("\xe2\x9c\x1b"), "???");            // control inside a broken sequence
}

// UTF-8 of the format characters printable() and the file-name rules neutralise.
const char* const kInvisible[] = {
    "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",  // U+202A..E
    "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",                  // U+2066..9
    "\xe2\x80\x8b", "\xe2\x80\x8e", "\xe2\x80\x8f",                                  // U+200B/E/F
    "\xe2\x80\xa8", "\xe2\x80\xa9",                                                  // U+2028/9
    "\xef\xbb\xbf",                                                                  // U+FEFF
    "\xd8\x9c",                                                                      // U+061C
    "\xe2\x81\xa0", "\xe2\x81\xa4", "\xe2\x81\xaa", "\xe2\x81\xaf",                  // U+2060..
    "\xef\xbf\xb9", "\xef\xbf\xbb",                                                  // U+FFF9..B
};

TEST(PrintableTest, BidiAndInvisibleCharactersBecomeQuestionMarks) {
  for (const char* c : kInvisible) {
    EXPECT_EQ(printable(std::string("a") + c + "b"), "a?b") << c;
  }
  // The classic spoof: shown as "invoice_exe.pdf" by a terminal that honours U+202E.
  EXPECT_EQ(printable("invoice_\xe2\x80\xae"
                      "fdp.exe"),
            "invoice_?fdp.exe");
  EXPECT_EQ(printable("\xe2\x81\xa7\xe2\x80\xae\xe2\x81\xa9"), "???");
}

TEST(PrintableTest, NeighboursOfTheInvisibleRangesAreKept) {
  for (const char* kept : {"\xe2\x80\x8c", "\xe2\x80\x8d",  // ZWNJ, ZWJ (scripts, emoji)
                           "\xe2\x80\x8a", "\xe2\x80\x90",  // U+200A, U+2010
                           "\xe2\x80\xa7", "\xe2\x80\xaf",  // U+2027, U+202F
                           "\xe2\x81\xa5",                  // U+2065 (unassigned)
                           "\xe2\x81\xb0",                  // U+2070
                           "\xef\xbb\xbe", "\xef\xbf\xbc",  // U+FEFE, U+FFFC
                           "\xd8\x9b", "\xd8\x9d"}) {       // U+061B, U+061D
    EXPECT_EQ(printable(kept), kept);
  }
  const std::string family = "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";  // woman ZWJ girl
  EXPECT_EQ(printable(family), family);
}

TEST(SafeFileNameTest, RefusesInvisibleCharacters) {
  for (const char* c : kInvisible) {
    EXPECT_FALSE(safe_file_name(std::string("invoice_") + c + "fdp.exe")) << c;
    EXPECT_FALSE(safe_file_name(std::string(c) + "x")) << c;
  }
  // Behind a stray lead byte the character is still there for a terminal to honour.
  EXPECT_FALSE(safe_file_name("\xe2\xe2\x80\xae"));
  EXPECT_TRUE(safe_file_name("zw\xe2\x80\x8cnj"));
}

TEST(SanitizeFileNameTest, DropsInvisibleCharacters) {
  EXPECT_EQ(sanitize_file_name("invoice_\xe2\x80\xae"
                               "fdp.exe"),
            "invoice_fdp.exe");
  for (const char* c : kInvisible) {
    EXPECT_EQ(sanitize_file_name(std::string("a") + c + "b"), "ab") << c;
  }
  // Dropping one leaves its neighbours; they must not form another.
  EXPECT_EQ(sanitize_file_name("x\xe2\xe2\x80\xae\x80\xaey"), "xy");
  // Nor may dropping a control byte complete one.
  EXPECT_EQ(sanitize_file_name("x\xe2\x01\x80\xaey"), "xy");
  // A name that is nothing but format characters and dots.
  EXPECT_EQ(sanitize_file_name("\xef\xbb\xbf.\xe2\x80\xae"), "unnamed");
  // An invisible character must not hide a leading dot.
  EXPECT_EQ(sanitize_file_name("\xe2\x80\x8b.bashrc"), "bashrc");
}

TEST(SanitizeFileNameTest, AgreesWithSafeFileName) {
  std::mt19937 rng(777);
  // Fragments of the sequences involved, so that random joins produce them often.
  const std::string pieces[] = {"\xe2", "\x80", "\xae", "\x81", "\xa6", "\xef\xbb", "\xbf",
                                "\xd8", "\x9c", ".",    " ",    "\x01", "a",        "/"};
  for (int i = 0; i < 20000; ++i) {
    std::string in;
    const size_t n = rng() % 24;
    for (size_t j = 0; j < n; ++j) in += pieces[rng() % std::size(pieces)];
    const std::string out = sanitize_file_name(in);
    ASSERT_TRUE(safe_file_name(out)) << "input #" << i;
    ASSERT_EQ(sanitize_file_name(out), out) << "input #" << i;
    if (safe_file_name(in) && in.find_first_of("/\\") == std::string::npos && in.front() != ' ' &&
        in.back() != ' ') {
      ASSERT_EQ(out, in) << "input #" << i;  // a safe name is left as it is
    }
  }
}

}  // namespace
}  // namespace peerlink
