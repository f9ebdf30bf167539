// Tests for ChaCha20 (common/crypto/chacha20.h) against RFC 8439: the block function (section
// 2.3.2, appendix A.1), encryption (section 2.4.2, appendix A.2) and the Poly1305 key generation
// that uses block 0 (section 2.6.2, appendix A.4); every implementation this CPU offers must give
// the same bytes as the portable one.
#include "common/crypto/chacha20.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/vector_bytes.h"
#include "tests/unit/common/rfc8439_vectors.h"

namespace peerlink {
namespace {

using testing::hex_of;
using testing::u8;
using testing::unhex;

constexpr char kZeroKey[] = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr char kOneKey[] = "0000000000000000000000000000000000000000000000000000000000000001";
constexpr char kCountingKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kJabberwockyKey[] =
    "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
constexpr char kZeroNonce[] = "000000000000000000000000";
constexpr char kNonce2[] = "000000000000000000000002";

std::vector<ChaCha20Impl> offered_impls() {
  std::vector<ChaCha20Impl> impls;
  for (ChaCha20Impl impl :
       {ChaCha20Impl::kPortable, ChaCha20Impl::kSse2, ChaCha20Impl::kAvx2, ChaCha20Impl::kAvx512}) {
    if (chacha20_has(impl)) impls.push_back(impl);
  }
  return impls;
}

std::string block_hex(std::string_view key_hex, std::string_view nonce_hex, uint32_t counter) {
  const std::string key = unhex(key_hex);
  const std::string nonce = unhex(nonce_hex);
  uint8_t out[kChaCha20BlockBytes];
  chacha20_block(u8(key), u8(nonce), counter, out);
  return hex_of(out, sizeof out);
}

// Encrypts `plaintext` with chacha20_xor() and with each offered implementation, out of place and
// in place, and expects `ciphertext_hex` from all of them.
void expect_encryption(std::string_view key_hex, std::string_view nonce_hex, uint32_t counter,
                       std::string_view plaintext, std::string_view ciphertext_hex) {
  const std::string key = unhex(key_hex);
  const std::string nonce = unhex(nonce_hex);
  std::string out(plaintext.size(), '\0');
  chacha20_xor(u8(key), u8(nonce), counter, u8(plaintext), u8(out), out.size());
  EXPECT_EQ(hex_of(out), ciphertext_hex) << "chacha20_xor (" << chacha20_impl_name() << ")";
  for (ChaCha20Impl impl : offered_impls()) {
    std::fill(out.begin(), out.end(), '\0');
    chacha20_xor_with(impl, u8(key), u8(nonce), counter, u8(plaintext), u8(out), out.size());
    EXPECT_EQ(hex_of(out), ciphertext_hex) << chacha20_impl_name(impl);
    std::string in_place(plaintext);
    chacha20_xor_with(impl, u8(key), u8(nonce), counter, u8(in_place), u8(in_place),
                      in_place.size());
    EXPECT_EQ(hex_of(in_place), ciphertext_hex) << chacha20_impl_name(impl) << " in place";
    // Decryption is the same operation.
    chacha20_xor_with(impl, u8(key), u8(nonce), counter, u8(in_place), u8(in_place),
                      in_place.size());
    EXPECT_EQ(in_place, plaintext) << chacha20_impl_name(impl) << " decrypting";
  }
}

// RFC 8439 section 2.3.2.
TEST(ChaCha20Test, Rfc8439Section2_3_2BlockFunction) {
  EXPECT_EQ(block_hex(kCountingKey, "000000090000004a00000000", 1),
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

// RFC 8439 appendix A.1, test vectors #1 to #5.
TEST(ChaCha20Test, Rfc8439AppendixA1BlockFunctions) {
  EXPECT_EQ(block_hex(kZeroKey, kZeroNonce, 0),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
  EXPECT_EQ(block_hex(kZeroKey, kZeroNonce, 1),
            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
            "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
  EXPECT_EQ(block_hex(kOneKey, kZeroNonce, 1),
            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
            "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
  EXPECT_EQ(
      block_hex("00ff000000000000000000000000000000000000000000000000000000000000", kZeroNonce, 2),
      "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
      "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096");
  EXPECT_EQ(block_hex(kZeroKey, kNonce2, 0),
            "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
            "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d");
}

// RFC 8439 section 2.4.2: two blocks and a partial third, from counter 1.
TEST(ChaCha20Test, Rfc8439Section2_4_2Encryption) {
  expect_encryption(kCountingKey, "000000000000004a00000000", 1, rfc8439::kSunscreen,
                    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                    "5af90bbf74a35be6b40b8eedf2785e42874d");
}

// RFC 8439 appendix A.2, test vector #1: 64 zero bytes from counter 0 give block 0 itself.
TEST(ChaCha20Test, Rfc8439AppendixA2Vector1) {
  expect_encryption(kZeroKey, kZeroNonce, 0, std::string(64, '\0'),
                    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
}

// RFC 8439 appendix A.2, test vector #2: 375 bytes (five blocks and a partial sixth).
TEST(ChaCha20Test, Rfc8439AppendixA2Vector2) {
  expect_encryption(kOneKey, kNonce2, 1, rfc8439::kIetfContribution,
                    "a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec"
                    "2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d"
                    "4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950"
                    "42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85a"
                    "d00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259d"
                    "c4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b"
                    "0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6c"
                    "cc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818b04b0b"
                    "c39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f"
                    "5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e6"
                    "98ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab"
                    "7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221");
}

// RFC 8439 appendix A.2, test vector #3: starting at counter 42.
TEST(ChaCha20Test, Rfc8439AppendixA2Vector3) {
  expect_encryption(kJabberwockyKey, kNonce2, 42, rfc8439::kJabberwocky,
                    "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
                    "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
                    "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
                    "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1");
}

// RFC 8439 section 2.6.2 and appendix A.4: the Poly1305 one-time key is the first 32 bytes of
// block 0.
TEST(ChaCha20Test, Rfc8439Section2_6_2AndAppendixA4Poly1305KeyGeneration) {
  const char kKeyGenKey[] = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
  EXPECT_EQ(block_hex(kKeyGenKey, "000000000001020304050607", 0).substr(0, 64),
            "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646");
  EXPECT_EQ(block_hex(kZeroKey, kZeroNonce, 0).substr(0, 64),
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7");
  EXPECT_EQ(block_hex(kOneKey, kNonce2, 0).substr(0, 64),
            "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739");
  EXPECT_EQ(block_hex(kJabberwockyKey, kNonce2, 0).substr(0, 64),
            "965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae");
}

TEST(ChaCha20Test, PortableIsAlwaysOfferedAndNamed) {
  EXPECT_TRUE(chacha20_has(ChaCha20Impl::kPortable));
  const std::string name = chacha20_impl_name();
  EXPECT_TRUE(name == "portable" || name == "sse2" || name == "avx2" || name == "avx512") << name;
  bool offered = false;
  for (ChaCha20Impl impl : offered_impls()) offered |= name == chacha20_impl_name(impl);
  EXPECT_TRUE(offered) << name << " is used but chacha20_has() does not offer it";
}

// Every length up to a few 8-block batches, from several counters (up to the last block before
// the 32-bit counter wraps), out of place and in place: all implementations agree with the
// block function applied block by block.
TEST(ChaCha20Test, ImplementationsAgreeWithTheBlockFunction) {
  std::string key(kChaCha20KeyBytes, '\0');
  std::string nonce(kChaCha20NonceBytes, '\0');
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<char>(0x11 * i + 3);
  for (size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<char>(0x2d * i + 7);
  std::string message(1100, '\0');
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>(i * 7 + i / 13);

  for (uint32_t counter : {0u, 1u, 7u, 0xffffffffu - 17u}) {
    // The expected keystream: blocks counter, counter + 1, ... (18 blocks never wrap here).
    std::string keystream;
    for (uint32_t b = 0; b < 18; ++b) {
      uint8_t block[kChaCha20BlockBytes];
      chacha20_block(u8(key), u8(nonce), counter + b, block);
      keystream.append(reinterpret_cast<const char*>(block), sizeof block);
    }
    for (size_t len : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{255},
                       size_t{256}, size_t{257}, size_t{511}, size_t{512}, size_t{513},
                       size_t{1023}, size_t{1024}, size_t{1100}}) {
      std::string expected(len, '\0');
      for (size_t i = 0; i < len; ++i) {
        expected[i] = static_cast<char>(message[i] ^ keystream[i]);
      }
      for (ChaCha20Impl impl : offered_impls()) {
        SCOPED_TRACE(std::string(chacha20_impl_name(impl)) + " counter " + std::to_string(counter) +
                     " length " + std::to_string(len));
        std::string out(len, '\x5a');
        chacha20_xor_with(impl, u8(key), u8(nonce), counter, u8(message), u8(out), len);
        EXPECT_EQ(hex_of(out), hex_of(expected));
        std::string in_place = message.substr(0, len);
        chacha20_xor_with(impl, u8(key), u8(nonce), counter, u8(in_place), u8(in_place), len);
        EXPECT_EQ(hex_of(in_place), hex_of(expected));
      }
    }
  }
}

// Bytes past `len` are not written.
TEST(ChaCha20Test, WritesOnlyLenBytes) {
  const std::string key = unhex(kCountingKey);
  const std::string nonce = unhex(kNonce2);
  for (ChaCha20Impl impl : offered_impls()) {
    for (size_t len : {size_t{0}, size_t{5}, size_t{64}, size_t{300}}) {
      std::string in(len + 64, 'x');
      std::string out(len + 64, '\x77');
      chacha20_xor_with(impl, u8(key), u8(nonce), 1, u8(in), u8(out), len);
      EXPECT_EQ(out.substr(len), std::string(64, '\x77')) << chacha20_impl_name(impl) << " " << len;
    }
  }
}

}  // namespace
}  // namespace peerlink
