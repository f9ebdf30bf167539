// Unit tests of the peer frame codec: header encoding, split input, length and type bounds.
#include "common/wire/frame.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>

#include "common/base/bytes.h"
#include "common/base/fd.h"

namespace peerlink {
namespace {

TEST(Frame, HeaderIsTypeThenBigEndianLength) {
  std::string f = encode_frame(wire::kChat, "hi");
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(static_cast<unsigned char>(f[0]), wire::kChat);
  EXPECT_EQ(f.substr(1, 4), std::string("\0\0\0\2", 4));
  EXPECT_EQ(f.substr(5), "hi");
  unsigned char h[5];
  encode_frame_header(7, 0x01020304u, h);
  EXPECT_EQ(h[1], 1);
  EXPECT_EQ(h[2], 2);
  EXPECT_EQ(h[3], 3);
  EXPECT_EQ(h[4], 4);
}

TEST(FrameDecoder, DecodesFramesSplitAtEveryByte) {
  std::string stream = encode_frame(wire::kChat, "hello") + encode_frame(wire::kBye, "") +
                       encode_frame(wire::kData, std::string(1000, '\xff'));
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder dec;
    std::vector<Frame> got;
    Frame f;
    dec.append(stream.data(), cut);
    while (dec.next(&f) == FrameDecoder::Result::kFrame) got.push_back(f);
    dec.append(stream.data() + cut, stream.size() - cut);
    while (dec.next(&f) == FrameDecoder::Result::kFrame) got.push_back(f);
    ASSERT_EQ(got.size(), 3u) << cut;
    EXPECT_EQ(got[0].payload, "hello");
    EXPECT_EQ(got[1].type, wire::kBye);
    EXPECT_TRUE(got[1].payload.empty());
    EXPECT_EQ(got[2].payload.size(), 1000u);
    EXPECT_EQ(dec.buffered(), 0u);
  }
}

// next_view gives the same frames without copying: each view stays valid until the next call,
// even when that frame emptied the buffer.
TEST(FrameDecoder, ViewsStayValidUntilTheNextCall) {
  const std::string stream = encode_frame(wire::kChat, "hello") +
                             encode_frame(wire::kData, std::string(1000, '\xab')) +
                             encode_frame(wire::kBye, "bye");
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder dec;
    std::vector<std::pair<uint8_t, std::string>> got;
    FrameView v;
    dec.append(stream.data(), cut);
    while (dec.next_view(&v) == FrameDecoder::Result::kFrame)
      got.emplace_back(v.type, std::string(v.payload));
    // The last view from before is still intact here; append() is the next call.
    dec.append(stream.data() + cut, stream.size() - cut);
    while (dec.next_view(&v) == FrameDecoder::Result::kFrame)
      got.emplace_back(v.type, std::string(v.payload));
    ASSERT_EQ(got.size(), 3u) << cut;
    EXPECT_EQ(got[0], std::make_pair(uint8_t{wire::kChat}, std::string("hello")));
    EXPECT_EQ(got[1], std::make_pair(uint8_t{wire::kData}, std::string(1000, '\xab')));
    EXPECT_EQ(got[2], std::make_pair(uint8_t{wire::kBye}, std::string("bye")));
    EXPECT_EQ(dec.buffered(), 0u);
  }
  FrameDecoder whole;
  whole.append(stream.data(), stream.size());
  FrameView a, b;
  ASSERT_EQ(whole.next_view(&a), FrameDecoder::Result::kFrame);
  EXPECT_EQ(whole.buffered(), stream.size() - 10);
  ASSERT_EQ(whole.next_view(&b), FrameDecoder::Result::kFrame);
  ASSERT_EQ(whole.next_view(&b), FrameDecoder::Result::kFrame);
  EXPECT_EQ(b.payload, "bye");  // the buffer is now empty but the view still reads
  EXPECT_EQ(whole.buffered(), 0u);
}

// A long stream read in pieces that never end on a frame boundary (as a session reads 256 KiB at
// a time while DATA frames are 64 KiB + header): memory stays bounded and every frame is whole.
TEST(FrameDecoder, MemoryStaysBoundedOverALongStream) {
  const std::string frame = encode_frame(wire::kData, std::string(64 * 1024, 'x'));
  constexpr size_t kFrames = 2000;  // about 128 MiB through the decoder
  constexpr size_t kRead = 256 * 1024;
  std::string pending;  // stream bytes produced but not yet appended
  FrameDecoder dec;
  Frame f;
  size_t frames = 0, max_held = 0;
  for (size_t made = 0; made < kFrames || !pending.empty();) {
    while (pending.size() < kRead && made < kFrames) {
      pending += frame;
      ++made;
    }
    const size_t n = std::min(kRead, pending.size());
    dec.append(pending.data(), n);
    pending.erase(0, n);
    while (dec.next(&f) == FrameDecoder::Result::kFrame) {
      ASSERT_EQ(f.payload.size(), 64u * 1024);
      ++frames;
    }
    max_held = std::max(max_held, dec.held());
  }
  EXPECT_EQ(frames, kFrames);
  EXPECT_EQ(dec.buffered(), 0u);
  EXPECT_LE(max_held, frame.size() + kRead) << "the decoder keeps frames it has already returned";
}

TEST(FrameDecoder, LengthBoundEdges) {
  {
    FrameDecoder dec(16);
    std::string s = encode_frame(wire::kChat, std::string(16, 'x'));
    dec.append(s.data(), s.size());
    Frame f;
    EXPECT_EQ(dec.next(&f), FrameDecoder::Result::kFrame);
  }
  {  // over the bound: refused from the header alone, before any payload arrives
    FrameDecoder dec(16);
    unsigned char h[5];
    encode_frame_header(wire::kChat, 17, h);
    dec.append(reinterpret_cast<char*>(h), 5);
    Frame f;
    EXPECT_EQ(dec.next(&f), FrameDecoder::Result::kTooLarge);
  }
  {
    FrameDecoder dec;
    unsigned char h[5];
    encode_frame_header(wire::kChat, 0xffffffffu, h);
    dec.append(reinterpret_cast<char*>(h), 5);
    Frame f;
    EXPECT_EQ(dec.next(&f), FrameDecoder::Result::kTooLarge);
  }
}

TEST(FrameDecoder, RejectsUnknownTypes) {
  for (uint8_t type : {uint8_t{0}, uint8_t{wire::kLastFrameType + 1}, uint8_t{255}}) {
    FrameDecoder dec;
    std::string s = encode_frame(type, "x");
    dec.append(s.data(), s.size());
    Frame f;
    EXPECT_EQ(dec.next(&f), FrameDecoder::Result::kBadType) << int{type};
  }
}

TEST(FrameDecoder, ShortHeaderNeedsMore) {
  FrameDecoder dec;
  Frame f;
  dec.append("\x03\x00", 2);
  EXPECT_EQ(dec.next(&f), FrameDecoder::Result::kNeedMore);
}

TEST(FrameIo, RoundTripsOverASocketPair) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  std::string big(wire::kMaxFramePayload, 'z');
  std::thread writer([&] {
    EXPECT_TRUE(write_frame(a.get(), wire::kChat, "one").ok());
    EXPECT_TRUE(write_frame(a.get(), wire::kData, big).ok());
  });
  Frame f;
  ASSERT_TRUE(read_frame(b.get(), &f).ok());
  EXPECT_EQ(f.payload, "one");
  ASSERT_TRUE(read_frame(b.get(), &f).ok());
  EXPECT_EQ(f.payload.size(), big.size());
  writer.join();
  a.reset();
  EXPECT_EQ(read_frame(b.get(), &f).status(), Status::kClosed);
}

TEST(FrameIo, OversizeLengthIsAProtocolError) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  unsigned char h[5];
  encode_frame_header(wire::kChat, wire::kMaxFramePayload + 1, h);
  ASSERT_TRUE(send_all(a.get(), h, 5).ok());
  Frame f;
  Result r = read_frame(b.get(), &f);
  EXPECT_EQ(r.status(), Status::kError);
}

TEST(FrameIo, TruncatedPayloadIsClosed) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  std::string s = encode_frame(wire::kChat, "hello").substr(0, 7);
  ASSERT_TRUE(send_all(a.get(), s).ok());
  a.reset();
  Frame f;
  EXPECT_EQ(read_frame(b.get(), &f).status(), Status::kClosed);
}

TEST(Bytes, ReaderChecksBounds) {
  std::string p;
  put_u32(&p, 7);
  put_u64(&p, 0x0102030405060708ull);
  p += "name";
  ByteReader r(p);
  uint32_t a = 0;
  uint64_t b = 0;
  ASSERT_TRUE(r.u32(&a));
  ASSERT_TRUE(r.u64(&b));
  EXPECT_EQ(a, 7u);
  EXPECT_EQ(b, 0x0102030405060708ull);
  EXPECT_EQ(r.rest(), "name");
  ByteReader short_reader(std::string_view("\x01\x02", 2));
  EXPECT_FALSE(short_reader.u32(&a));
  EXPECT_FALSE(short_reader.ok());
}

}  // namespace
}  // namespace peerlink
