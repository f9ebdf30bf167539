// The texts RFC 8439's test vectors encrypt and authenticate, shared by the ChaCha20, Poly1305 and
// AEAD tests (each test types its own keys, nonces and outputs from the RFC).
#pragma once

#include <string_view>

namespace peerlink::rfc8439 {

// Sections 2.4.2 and 2.8.2 (114 bytes).
inline constexpr std::string_view kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
    "sunscreen would be it.";

// Appendix A.2 test vector #2 and A.3 #2 and #3 (375 bytes).
inline constexpr std::string_view kIetfContribution =
    "Any submission to the IETF intended by the Contributor for publication as all or part of an "
    "IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is "
    "considered an \"IETF Contribution\". Such statements include oral statements in IETF "
    "sessions, as well as written and electronic communications made at any time or place, which "
    "are addressed to";

// Appendix A.2 test vector #3 and A.3 #4 (127 bytes).
inline constexpr std::string_view kJabberwocky =
    "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
    "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";

// Section 2.5.2 (34 bytes).
inline constexpr std::string_view kCfrg = "Cryptographic Forum Research Group";

// Appendix A.5, the decrypted plaintext (265 bytes; the quotes are UTF-8 U+201C and U+201D).
inline constexpr std::string_view kInternetDrafts =
    "Internet-Drafts are draft documents valid for a maximum of six months and may be updated, "
    "replaced, or obsoleted by other documents at any time. It is inappropriate to use "
    "Internet-Drafts as reference material or to cite them other than as /\xe2\x80\x9cwork in "
    "progress./\xe2\x80\x9d";

// Appendix A.5, the AEAD inputs (hex) and the ciphertext with its 16-byte tag at the end.
inline constexpr char kA5Key[] = "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
inline constexpr char kA5Nonce[] = "000000000102030405060708";
inline constexpr char kA5Aad[] = "f33388860000000000004e91";
inline constexpr char kA5Sealed[] =
    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
    "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
    "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
    "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
    "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
    "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
    "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
    "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
    "a6ad5cb4022b02709b"
    "eead9d67890cbb22392336fea1851f38";  // the tag

}  // namespace peerlink::rfc8439
