// Unit tests of the broker line codec: percent-encoding, field splitting, line framing.
#include "common/wire/line_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "common/wire/wire.h"

namespace peerlink {
namespace {

TEST(PercentEncode, LeavesPlainTextAlone) { EXPECT_EQ(percent_encode("notes.txt"), "notes.txt"); }

TEST(PercentEncode, EscapesSpacePercentAndControls) {
  EXPECT_EQ(percent_encode("my song.ogg"), "my%20song.ogg");
  EXPECT_EQ(percent_encode("100%"), "100%25");
  EXPECT_EQ(percent_encode(std::string("a\nb\rc\x7f\x01", 7)), "a%0Ab%0Dc%7F%01");
  EXPECT_EQ(percent_encode(std::string("\0", 1)), "%00");
}

TEST(PercentEncode, EmptyFieldHasAToken) { EXPECT_EQ(percent_encode(""), "%-"); }

TEST(PercentEncode, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string enc = percent_encode(all);
  EXPECT_EQ(enc.find(' '), std::string::npos);
  EXPECT_EQ(enc.find('\n'), std::string::npos);
  std::string dec;
  ASSERT_TRUE(percent_decode(enc, &dec));
  EXPECT_EQ(dec, all);
}

TEST(PercentDecode, AcceptsBothHexCases) {
  std::string out;
  ASSERT_TRUE(percent_decode("a%2fb%2Fc", &out));
  EXPECT_EQ(out, "a/b/c");
  ASSERT_TRUE(percent_decode("%-", &out));
  EXPECT_EQ(out, "");
}

TEST(PercentDecode, RejectsBadEscapes) {
  std::string out;
  for (const char* bad : {"%", "%4", "abc%", "%zz", "%4g", "x%-", "%-x", "%%41"}) {
    EXPECT_FALSE(percent_decode(bad, &out)) << bad;
  }
}

TEST(SplitFields, SplitsOnRunsOfSpaces) {
  auto f = split_fields("  FILE  a   b ");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], "FILE");
  EXPECT_EQ(f[1], "a");
  EXPECT_EQ(f[2], "b");
  EXPECT_TRUE(split_fields("").empty());
  EXPECT_TRUE(split_fields("   ").empty());
}

TEST(LineWriter, EncodesFieldsNotWords) {
  EXPECT_EQ(LineWriter("FILE").field("a b").num(12).word("x").str(), "FILE a%20b 12 x\n");
}

TEST(LineBuffer, YieldsLinesSplitAnywhere) {
  const std::string input = "HELLO 1.0\r\nUSERS\nINFO bob\n";
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    LineBuffer buf(wire::kMaxLineBytes);
    std::string line;
    std::vector<std::string> lines;
    buf.append(input.data(), cut);
    while (buf.next(&line) == LineBuffer::Result::kLine) lines.push_back(line);
    buf.append(input.data() + cut, input.size() - cut);
    while (buf.next(&line) == LineBuffer::Result::kLine) lines.push_back(line);
    ASSERT_EQ(lines.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(lines[0], "HELLO 1.0");
    EXPECT_EQ(lines[1], "USERS");
    EXPECT_EQ(lines[2], "INFO bob");
    EXPECT_EQ(buf.buffered(), 0u);
  }
}

TEST(LineBuffer, ByteAtATime) {
  const std::string input = "a\n\nbc\n";
  LineBuffer buf(16);
  std::vector<std::string> lines;
  std::string line;
  for (char c : input) {
    buf.append(&c, 1);
    while (buf.next(&line) == LineBuffer::Result::kLine) lines.push_back(line);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "", "bc"}));
}

TEST(LineBuffer, LengthBoundEdges) {
  // max 8 bytes including '\n': 7 content bytes pass, 8 fail.
  {
    LineBuffer buf(8);
    std::string in = "1234567\n", line;
    buf.append(in.data(), in.size());
    EXPECT_EQ(buf.next(&line), LineBuffer::Result::kLine);
    EXPECT_EQ(line, "1234567");
  }
  {
    LineBuffer buf(8);
    std::string in = "12345678\n", line;
    buf.append(in.data(), in.size());
    EXPECT_EQ(buf.next(&line), LineBuffer::Result::kTooLong);
  }
  {  // no newline yet: 7 bytes is still waiting, 8 is already too long
    LineBuffer buf(8);
    std::string line;
    buf.append("1234567", 7);
    EXPECT_EQ(buf.next(&line), LineBuffer::Result::kNeedMore);
    buf.append("8", 1);
    EXPECT_EQ(buf.next(&line), LineBuffer::Result::kTooLong);
  }
}

TEST(LineBuffer, StaysBoundedOverManyLines) {
  LineBuffer buf(64);
  std::string line;
  for (int i = 0; i < 10000; ++i) {
    std::string in = "PING " + std::to_string(i) + "\n";
    buf.append(in.data(), in.size());
    ASSERT_EQ(buf.next(&line), LineBuffer::Result::kLine);
    EXPECT_EQ(line, "PING " + std::to_string(i));
  }
  EXPECT_EQ(buf.buffered(), 0u);
}

}  // namespace
}  // namespace peerlink
