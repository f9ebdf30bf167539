// Tests for Poly1305 (common/crypto/poly1305.h) against RFC 8439: section 2.5.2, appendix A.3
// (test vectors #1 to #11, #5 to #11 being the edge cases of the reduction and of adding s), and
// the MAC inputs that sections 2.8.2 and A.5 build for the AEAD, each through every
// implementation the CPU has (the vector ones take runs of 64 bytes and more: A.3 #1 to #4 and
// #10, 2.8.2 and A.5; shorter ones are the portable code on every path); a message fed in any split
// gives the same tag. The differential tests of the implementations are in poly1305_impls_test.cpp.
#include "common/crypto/poly1305.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/vector_bytes.h"
#include "tests/unit/common/rfc8439_vectors.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::u8;
using testing::unhex;

std::string tag_hex(Poly1305Impl impl, std::string_view key_hex, std::string_view message) {
  const std::string key = unhex(key_hex);
  uint8_t tag[kPoly1305TagBytes];
  poly1305_with(impl, tag, u8(key), u8(message), message.size());
  return hex_of(tag, sizeof tag);
}

// The same tag fed one byte at a time, through the class.
std::string tag_hex_bytewise(Poly1305Impl impl, std::string_view key_hex,
                             std::string_view message) {
  const std::string key = unhex(key_hex);
  Poly1305 mac(u8(key), impl);
  for (char c : message) mac.update(reinterpret_cast<const uint8_t*>(&c), 1);
  uint8_t tag[kPoly1305TagBytes];
  mac.finish(tag);
  return hex_of(tag, sizeof tag);
}

// Every implementation the CPU has, in one piece and byte by byte, and the default one.
void expect_tag(std::string_view key_hex, std::string_view message, std::string_view tag) {
  for (Poly1305Impl impl : {Poly1305Impl::kPortable, Poly1305Impl::kAvx2, Poly1305Impl::kAvx512}) {
    if (!poly1305_has(impl)) continue;
    SCOPED_TRACE(poly1305_impl_name(impl));
    EXPECT_EQ(tag_hex(impl, key_hex, message), tag);
    EXPECT_EQ(tag_hex_bytewise(impl, key_hex, message), tag) << "fed byte by byte";
  }
  const std::string key = unhex(key_hex);
  uint8_t tag_bytes[kPoly1305TagBytes];
  poly1305(tag_bytes, u8(key), u8(message), message.size());
  EXPECT_EQ(hex_of(tag_bytes, sizeof tag_bytes), tag) << "default implementation";
}

// RFC 8439 section 2.5.2.
TEST(Poly1305Test, Rfc8439Section2_5_2) {
  expect_tag("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", rfc8439::kCfrg,
             "a8061dc1305136c6c22b8baf0c0127a9");
}

// RFC 8439 appendix A.3, test vector #1: key and message all zero.
TEST(Poly1305Test, Rfc8439AppendixA3Vector1) {
  expect_tag(std::string(64, '0'), std::string(64, '\0'), "00000000000000000000000000000000");
}

// RFC 8439 appendix A.3, test vector #2: r = 0, so the tag is s whatever the text.
TEST(Poly1305Test, Rfc8439AppendixA3Vector2) {
  expect_tag("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e",
             rfc8439::kIetfContribution, "36e5f6b5c5e06070f0efca96227a863e");
}

// RFC 8439 appendix A.3, test vector #3: s = 0.
TEST(Poly1305Test, Rfc8439AppendixA3Vector3) {
  expect_tag("36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000",
             rfc8439::kIetfContribution, "f3477e7cd95417af89a6b8794c310cf0");
}

// RFC 8439 appendix A.3, test vector #4.
TEST(Poly1305Test, Rfc8439AppendixA3Vector4) {
  expect_tag("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
             rfc8439::kJabberwocky, "4541669a7eaaee61e708dc7cbcc5eb62");
}

// RFC 8439 appendix A.3, test vectors #5 to #11: R then S as the key, data, tag.
struct EdgeCase {
  int number;
  const char* what;
  const char* r;
  const char* s;
  const char* data;
  const char* tag;
};

constexpr char kR1[] = "01000000000000000000000000000000";
constexpr char kR2[] = "02000000000000000000000000000000";
constexpr char kR1With4[] = "01000000000000000400000000000000";
constexpr char kS0[] = "00000000000000000000000000000000";
constexpr char kSOnes[] = "ffffffffffffffffffffffffffffffff";

const EdgeCase kEdgeCases[] = {
    {5, "partially reduced final result not fully reduced", kR2, kS0,
     "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000"},
    {6, "addition of s overflows modulo 2^128", kR2, kSOnes, "02000000000000000000000000000000",
     "03000000000000000000000000000000"},
    {7, "data limb all ones with a carry from the lower limb", kR1, kS0,
     "ffffffffffffffffffffffffffffffff"
     "f0ffffffffffffffffffffffffffffff"
     "11000000000000000000000000000000",
     "05000000000000000000000000000000"},
    {8, "polynomial part exactly 2^130-5", kR1, kS0,
     "ffffffffffffffffffffffffffffffff"
     "fbfefefefefefefefefefefefefefefe"
     "01010101010101010101010101010101",
     "00000000000000000000000000000000"},
    {9, "polynomial part exactly 2^130-6", kR2, kS0, "fdffffffffffffffffffffffffffffff",
     "faffffffffffffffffffffffffffffff"},
    {10, "5*H+L reduction with a 131-bit intermediate result", kR1With4, kS0,
     "e33594d7505e43b90000000000000000"
     "3394d7505e4379cd0100000000000000"
     "00000000000000000000000000000000"
     "01000000000000000000000000000000",
     "14000000000000005500000000000000"},
    {11, "5*H+L reduction with a 131-bit final result", kR1With4, kS0,
     "e33594d7505e43b90000000000000000"
     "3394d7505e4379cd0100000000000000"
     "00000000000000000000000000000000",
     "13000000000000000000000000000000"},
};

TEST(Poly1305Test, Rfc8439AppendixA3EdgeCases5To11) {
  for (const EdgeCase& c : kEdgeCases) {
    SCOPED_TRACE("A.3 test vector #" + std::to_string(c.number) + ": " + c.what);
    expect_tag(std::string(c.r) + c.s, unhex(c.data), c.tag);
  }
}

// RFC 8439 section 2.8.2: the AEAD's MAC input (AAD, padding, ciphertext, padding, lengths)
// under the one-time key generated for it.
TEST(Poly1305Test, Rfc8439Section2_8_2AeadMacInput) {
  expect_tag("7bac2b252db447af09b67a55a4e955840ae1d6731075d9eb2a9375783ed553ff",
             unhex("50515253c0c1c2c3c4c5c6c700000000d31a8d34648e60db7b86afbc53ef7ec2"
                   "a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
                   "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58"
                   "fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b"
                   "611600000000000000000000000000000c000000000000007200000000000000"),
             "1ae10b594f09e26a7e902ecbd0600691");
}

// RFC 8439 appendix A.5: the same for the decryption example.
TEST(Poly1305Test, Rfc8439AppendixA5AeadMacInput) {
  expect_tag("bdf04aa95ce4de8995b14bb6a18fecaf26478f50c054f563dbc0a21e261572aa",
             unhex("f33388860000000000004e910000000064a0861575861af460f062c79be643bd"
                   "5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0"
                   "bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b9481"
                   "14ad176e008d33bd60f982b1ff37c8559797a06ef4f0ef61c186324e2b350638"
                   "3606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e9"
                   "9040c5a40433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a"
                   "0d072b04b3564eea1b422273f548271a0bb2316053fa76991955ebd63159434e"
                   "cebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130"
                   "305beaba2eda04df997b714d6c6f2c29a6ad5cb4022b02709b00000000000000"
                   "0c000000000000000901000000000000"),
             "eead9d67890cbb22392336fea1851f38");
}

// Every split of a message into two update() calls, and an empty update between, give the
// one-shot tag.
TEST(Poly1305Test, AnySplitGivesTheSameTag) {
  const std::string key = unhex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
  const std::string_view message = rfc8439::kJabberwocky;
  uint8_t expected[kPoly1305TagBytes];
  poly1305(expected, u8(key), u8(message), message.size());
  for (size_t split = 0; split <= message.size(); ++split) {
    Poly1305 mac(u8(key));
    mac.update(u8(message), split);
    mac.update(u8(message), 0);
    mac.update(u8(message) + split, message.size() - split);
    uint8_t tag[kPoly1305TagBytes];
    mac.finish(tag);
    EXPECT_EQ(hex_of(tag, sizeof tag), hex_of(expected, sizeof expected)) << "split " << split;
  }
}

TEST(Poly1305Test, EmptyMessageIsS) {
  // With no block, the accumulator stays 0 and the tag is s.
  expect_tag("0102030405060708090a0b0c0d0e0f10ffeeddccbbaa99887766554433221100", "",
             "ffeeddccbbaa99887766554433221100");
}

}  // namespace
}  // namespace peerlink
