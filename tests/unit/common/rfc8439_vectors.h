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

}  // namespace peerlink::rfc8439
