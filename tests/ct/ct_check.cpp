// Constant-time check of the crypto primitives, run under valgrind's memcheck (ctest ct_check).
// Every secret input (private keys, peer points, cipher and MAC keys, plaintexts, HKDF inputs) is
// marked undefined with VALGRIND_MAKE_MEM_UNDEFINED; memcheck then reports each conditional jump
// or memory address that depends on a secret, which is the timing leak we look for. Only results
// that are public anyway (a ciphertext and its tag, a public key, the verdict that a tag or a
// shared secret is good) are marked defined again, to compare them with a run on unmarked inputs.
//
// `ct_check --leaky` branches on a secret and indexes a table with it on purpose: ctest
// ct_check_detects_leaks passes only if memcheck then fails, so the check above cannot pass just
// because memcheck saw nothing.
//
// Built from the crypto sources with PEERLINK_CT_CHECK (common/crypto/declassify.h) so the
// implementations' own declassified verdicts are marked defined too.
#include <valgrind/memcheck.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "common/crypto/aead.h"
#include "common/crypto/chacha20.h"
#include "common/crypto/hkdf.h"
#include "common/crypto/hmac.h"
#include "common/crypto/poly1305.h"
#include "common/crypto/x25519.h"

namespace peerlink::ct {
namespace {

int g_failures = 0;
std::string g_chacha20_checked;  // the implementations check_chacha20() ran, for the summary
std::string g_poly1305_checked;  // and check_poly1305()
std::string g_aead_checked;      // and check_aead()

void add_name(std::string* list, const char* name) {
  if (!list->empty()) *list += " ";
  *list += name;
}

void mark_secret(const void* data, size_t len) { (void)VALGRIND_MAKE_MEM_UNDEFINED(data, len); }
void mark_secret(const std::string& bytes) { mark_secret(bytes.data(), bytes.size()); }

// A result that is public (sent on the wire, or acted on in the open): defined from here on.
void mark_public(const void* data, size_t len) { (void)VALGRIND_MAKE_MEM_DEFINED(data, len); }
bool public_bool(bool value) {
  mark_public(&value, sizeof value);
  return value;
}

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ct_check: %s: wrong result\n", what);
    ++g_failures;
  }
}

const uint8_t* u8(const std::string& bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}
uint8_t* u8(std::string& bytes) { return reinterpret_cast<uint8_t*>(bytes.data()); }

// Deterministic bytes that differ per `seed` (the values do not matter, only that they are
// marked secret).
std::string bytes(size_t len, unsigned seed) {
  std::string out(len, '\0');
  for (size_t i = 0; i < len; ++i)
    out[i] = static_cast<char>((i * 167 + seed * 29 + 11) ^ (i >> 3));
  return out;
}

// X25519: the private key is secret, and so is the peer's point (the ladder must not branch on
// either). The public key and the "not all zero" verdict are public.
void check_x25519() {
  const std::string alice = bytes(kX25519Bytes, 1);
  const std::string bob = bytes(kX25519Bytes, 2);
  uint8_t alice_public_ref[kX25519Bytes];
  uint8_t bob_public[kX25519Bytes];
  x25519_base(alice_public_ref, u8(alice));
  x25519_base(bob_public, u8(bob));

  mark_secret(alice);
  uint8_t alice_public[kX25519Bytes];
  x25519_base(alice_public, u8(alice));
  mark_public(alice_public, sizeof alice_public);
  expect(std::memcmp(alice_public, alice_public_ref, kX25519Bytes) == 0, "x25519_base");

  mark_secret(bob_public, sizeof bob_public);
  uint8_t shared[kX25519Bytes];
  x25519(shared, u8(alice), bob_public);
  expect(public_bool(x25519_shared(shared, u8(alice), bob_public)), "x25519_shared accepts");

  // A low-order point (u = 0): the all-zero secret must be refused, still without a branch on it.
  uint8_t low_order[kX25519Bytes] = {};
  mark_secret(low_order, sizeof low_order);
  expect(!public_bool(x25519_shared(shared, u8(alice), low_order)), "x25519_shared refuses");
}

// ChaCha20, every implementation this CPU offers: key and plaintext secret, the nonce and counter
// public. The ciphertext is public.
void check_chacha20() {
  const std::string key = bytes(kChaCha20KeyBytes, 3);
  const std::string nonce = bytes(kChaCha20NonceBytes, 4);
  // Two 16-block batches, one of 8, one of 4 and a tail.
  const std::string plaintext = bytes(2 * 1024 + 512 + 256 + 100, 5);
  std::string reference(plaintext.size(), '\0');
  chacha20_xor_with(ChaCha20Impl::kPortable, u8(key), u8(nonce), 1, u8(plaintext), u8(reference),
                    plaintext.size());

  for (ChaCha20Impl impl :
       {ChaCha20Impl::kPortable, ChaCha20Impl::kSse2, ChaCha20Impl::kAvx2, ChaCha20Impl::kAvx512}) {
    if (!chacha20_has(impl)) continue;
    add_name(&g_chacha20_checked, chacha20_impl_name(impl));
    const std::string secret_key = key;
    const std::string secret_plaintext = plaintext;
    mark_secret(secret_key);
    mark_secret(secret_plaintext);
    std::string out(plaintext.size(), '\0');
    chacha20_xor_with(impl, u8(secret_key), u8(nonce), 1, u8(secret_plaintext), u8(out),
                      out.size());
    mark_public(out.data(), out.size());
    expect(out == reference, "chacha20_xor_with");
  }

  const std::string secret_key = key;
  mark_secret(secret_key);
  uint8_t block[kChaCha20BlockBytes];
  chacha20_block(u8(secret_key), u8(nonce), 0, block);
}

// Poly1305, every implementation this CPU offers: key and message secret; the tag is public. One
// shot (long enough for several four-block steps and a tail), and fed in uneven pieces so the
// partial-block buffer is used.
void check_poly1305() {
  const std::string key = bytes(kPoly1305KeyBytes, 6);
  const std::string message = bytes(1333, 7);
  uint8_t reference[kPoly1305TagBytes];
  poly1305_with(Poly1305Impl::kPortable, reference, u8(key), u8(message), message.size());

  for (Poly1305Impl impl : {Poly1305Impl::kPortable, Poly1305Impl::kAvx2, Poly1305Impl::kAvx512}) {
    if (!poly1305_has(impl)) continue;
    add_name(&g_poly1305_checked, poly1305_impl_name(impl));
    const std::string secret_key = key;
    const std::string secret_message = message;
    mark_secret(secret_key);
    mark_secret(secret_message);
    uint8_t tag[kPoly1305TagBytes];
    poly1305_with(impl, tag, u8(secret_key), u8(secret_message), message.size());
    mark_public(tag, sizeof tag);
    expect(std::memcmp(tag, reference, sizeof tag) == 0, "poly1305_with");

    Poly1305 mac(u8(secret_key), impl);
    size_t done = 0;
    for (size_t piece = 1; done < message.size(); piece = piece * 3 + 1) {
      const size_t n = piece < message.size() - done ? piece : message.size() - done;
      mac.update(u8(secret_message) + done, n);
      done += n;
    }
    mac.finish(tag);
    mark_public(tag, sizeof tag);
    expect(std::memcmp(tag, reference, sizeof tag) == 0, "Poly1305 in pieces");
  }
}

// The AEAD, the default functions and every pair of implementations this CPU offers: key and
// plaintext secret, nonce and AAD public. The sealed message is public; so is aead_open's verdict
// (a forgery closes the connection), but not the plaintext it writes. 20000 bytes: more than one
// 16 KiB chunk of aead_seal.
void check_aead_with(const AeadImpl& impl, bool use_default) {
  const std::string key = bytes(kAeadKeyBytes, 8);
  const std::string nonce = bytes(kAeadNonceBytes, 9);
  const std::string ad = bytes(13, 10);
  const std::string plaintext = bytes(20000 + 13, 11);
  const AeadImpl portable{ChaCha20Impl::kPortable, Poly1305Impl::kPortable};
  std::string reference(plaintext.size() + kAeadTagBytes, '\0');
  aead_seal_with(portable, u8(key), u8(nonce), u8(ad), ad.size(), u8(plaintext), plaintext.size(),
                 u8(reference));
  const auto seal = [&](const std::string& k, const uint8_t* in, uint8_t* out) {
    if (use_default) {
      aead_seal(u8(k), u8(nonce), u8(ad), ad.size(), in, plaintext.size(), out);
    } else {
      aead_seal_with(impl, u8(k), u8(nonce), u8(ad), ad.size(), in, plaintext.size(), out);
    }
  };
  const auto open = [&](const std::string& k, const uint8_t* in, uint8_t* out) {
    return use_default ? aead_open(u8(k), u8(nonce), u8(ad), ad.size(), in, reference.size(), out)
                       : aead_open_with(impl, u8(k), u8(nonce), u8(ad), ad.size(), in,
                                        reference.size(), out);
  };

  const std::string secret_key = key;
  const std::string secret_plaintext = plaintext;
  mark_secret(secret_key);
  mark_secret(secret_plaintext);
  std::string sealed(plaintext.size() + kAeadTagBytes, '\0');
  seal(secret_key, u8(secret_plaintext), u8(sealed));
  mark_public(sealed.data(), sealed.size());
  expect(sealed == reference, "aead_seal");

  std::string opened(plaintext.size(), '\0');
  expect(public_bool(open(secret_key, u8(sealed), u8(opened))), "aead_open accepts");

  std::string forged = sealed;
  forged[forged.size() - 1] = static_cast<char>(forged[forged.size() - 1] ^ 1);
  expect(!public_bool(open(secret_key, u8(forged), u8(opened))), "aead_open refuses a forgery");

  // In place, as the Noise transport uses it.
  std::string buffer = plaintext;
  buffer.resize(plaintext.size() + kAeadTagBytes);
  mark_secret(buffer.data(), plaintext.size());
  seal(secret_key, u8(buffer), u8(buffer));
  mark_public(buffer.data(), buffer.size());
  expect(buffer == reference, "aead_seal in place");
  expect(public_bool(open(secret_key, u8(buffer), u8(buffer))), "aead_open in place");
}

void check_aead() {
  check_aead_with(aead_default_impl(), true);
  for (ChaCha20Impl c :
       {ChaCha20Impl::kPortable, ChaCha20Impl::kSse2, ChaCha20Impl::kAvx2, ChaCha20Impl::kAvx512}) {
    if (!chacha20_has(c)) continue;
    for (Poly1305Impl p : {Poly1305Impl::kPortable, Poly1305Impl::kAvx2, Poly1305Impl::kAvx512}) {
      if (!poly1305_has(p)) continue;
      add_name(&g_aead_checked,
               (std::string(chacha20_impl_name(c)) + "+" + poly1305_impl_name(p)).c_str());
      check_aead_with({c, p}, false);
    }
  }
}

// constant_time_equal: both sides secret (a MAC and its expected value); the verdict is public.
void check_constant_time_equal() {
  const std::string a = bytes(32, 12);
  std::string same = a;
  std::string first_differs = a;
  first_differs[0] = static_cast<char>(first_differs[0] ^ 0x40);
  std::string last_differs = a;
  last_differs[31] = static_cast<char>(last_differs[31] ^ 0x01);
  mark_secret(a);
  mark_secret(same);
  mark_secret(first_differs);
  mark_secret(last_differs);
  expect(public_bool(constant_time_equal(a, same)), "constant_time_equal equal");
  expect(!public_bool(constant_time_equal(a, first_differs)), "constant_time_equal first byte");
  expect(!public_bool(constant_time_equal(a, last_differs)), "constant_time_equal last byte");
}

// HMAC and the HKDFs the Noise handshake runs on its chaining key and DH outputs: all secret.
void check_hkdf() {
  Sha256::Digest chaining_key{};
  for (size_t i = 0; i < chaining_key.size(); ++i) chaining_key[i] = static_cast<uint8_t>(i * 9);
  const std::string ikm = bytes(32, 13);
  mark_secret(chaining_key.data(), chaining_key.size());
  mark_secret(ikm);
  const NoiseHkdfOutputs two = noise_hkdf2(chaining_key, ikm);
  const NoiseHkdfOutputs three = noise_hkdf3(chaining_key, ikm);
  const std::string okm = hkdf_sha256(ikm, ikm, "info", 100);
  const Sha256::Digest mac = hmac_sha256(ikm, bytes(150, 14));
  (void)two;
  (void)three;
  (void)okm;
  (void)mac;
}

// On purpose not constant time: an early-exit comparison and a table lookup on secret bytes.
// Memcheck must report both.
int leaky() {
  std::string a = bytes(16, 15);
  std::string b = a;
  b[9] = static_cast<char>(b[9] ^ 1);
  mark_secret(a);
  mark_secret(b);
  size_t equal_prefix = 0;
  while (equal_prefix < a.size() && a[equal_prefix] == b[equal_prefix]) ++equal_prefix;
  static uint8_t table[256];
  for (size_t i = 0; i < sizeof table; ++i) table[i] = static_cast<uint8_t>(i * 7);
  volatile uint8_t looked_up = table[static_cast<uint8_t>(a[3])];
  (void)looked_up;
  std::printf("ct_check --leaky: branched on secret bytes (prefix of %zu)\n", equal_prefix);
  return 0;
}

}  // namespace
}  // namespace peerlink::ct

int main(int argc, char** argv) {
  if (RUNNING_ON_VALGRIND == 0) {
    std::fprintf(stderr,
                 "ct_check: run me under valgrind (memcheck): nothing is checked natively\n");
    return 2;
  }
  if (argc == 2 && std::strcmp(argv[1], "--leaky") == 0) return peerlink::ct::leaky();
  if (argc != 1) {
    std::fprintf(stderr, "usage: ct_check [--leaky]\n");
    return 2;
  }
  peerlink::ct::check_x25519();
  peerlink::ct::check_chacha20();
  peerlink::ct::check_poly1305();
  peerlink::ct::check_aead();
  peerlink::ct::check_constant_time_equal();
  peerlink::ct::check_hkdf();
  if (peerlink::ct::g_failures > 0) return 1;
  std::printf(
      "ct_check: x25519, chacha20 (%s), poly1305 (%s), aead (%s), constant_time_equal, hkdf: ok\n",
      peerlink::ct::g_chacha20_checked.c_str(), peerlink::ct::g_poly1305_checked.c_str(),
      peerlink::ct::g_aead_checked.c_str());
  return 0;
}
