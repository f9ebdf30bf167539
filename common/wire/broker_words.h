// The words of the broker protocol (docs/PROTOCOL.md, section 1): the first word of every line,
// the request, reply, body-line and event words, the outcomes an event reports, and the error
// codes. The broker writes them and the lobby reads them from these constants, so the two cannot
// drift apart; tests keep their literals, since they check the wire byte for byte.
#pragma once

#include <string_view>

namespace peerlink::wire {

// The first word of each line the broker sends: a reply is "OK ..." or "ERR <code> <reason>",
// a pushed event "EVENT ...". Any other line is a body line of a multi-line reply.
inline constexpr std::string_view kOk = "OK";
inline constexpr std::string_view kErr = "ERR";
inline constexpr std::string_view kEvent = "EVENT";

// Requests: the first word of a client's line.
namespace request {
inline constexpr std::string_view kHello = "HELLO";  // HELLO <major>.<minor>
// REGISTER <name> <port> <ticket-key> [<user-key>]
inline constexpr std::string_view kRegister = "REGISTER";
inline constexpr std::string_view kUsers = "USERS";
inline constexpr std::string_view kInfo = "INFO";          // INFO <user>
inline constexpr std::string_view kAnnounce = "ANNOUNCE";  // ANNOUNCE <n>, then n FILE lines
inline constexpr std::string_view kFile = "FILE";          // FILE <name> <size> <sha256>
inline constexpr std::string_view kFiles = "FILES";        // FILES [user]
inline constexpr std::string_view kSearch = "SEARCH";      // SEARCH <text>
inline constexpr std::string_view kWhoHas = "WHOHAS";      // WHOHAS <name-or-sha256>
inline constexpr std::string_view kChat = "CHAT";          // CHAT <user>
inline constexpr std::string_view kAccept = "ACCEPT";      // ACCEPT <id> <port>
inline constexpr std::string_view kDecline = "DECLINE";    // DECLINE <id>
inline constexpr std::string_view kOffer = "OFFER";        // OFFER <name> <size> <sha256> <user>...
inline constexpr std::string_view kOfferAccept = "OFFER_ACCEPT";    // OFFER_ACCEPT <id>
inline constexpr std::string_view kOfferDecline = "OFFER_DECLINE";  // OFFER_DECLINE <id>
inline constexpr std::string_view kPing = "PING";
inline constexpr std::string_view kBye = "BYE";
inline constexpr std::string_view kQuit = "QUIT";  // the same as BYE, for people typing into nc
}  // namespace request

// Replies: the word after OK. Most repeat the request's word.
namespace reply {
inline constexpr std::string_view kHello = request::kHello;    // OK HELLO <version> <software>
inline constexpr std::string_view kRegistered = "REGISTERED";  // OK REGISTERED <name> <ip>
inline constexpr std::string_view kUsers = request::kUsers;    // OK USERS <n>, n USER lines
inline constexpr std::string_view kInfo = request::kInfo;      // OK INFO <name> <ip> <port>
inline constexpr std::string_view kAnnounced = "ANNOUNCED";    // OK ANNOUNCED <n>
inline constexpr std::string_view kFiles =
    request::kFiles;  // OK FILES <n>, n FILE lines (SEARCH too)
inline constexpr std::string_view kWhoHas = request::kWhoHas;  // OK WHOHAS <n>, n OWNER lines
inline constexpr std::string_view kChat = request::kChat;      // OK CHAT <id>
// OK ACCEPT <id> <token> <requester-key>
inline constexpr std::string_view kAccept = request::kAccept;
inline constexpr std::string_view kDecline = request::kDecline;  // OK DECLINE <id>
inline constexpr std::string_view kOffer = request::kOffer;      // OK OFFER <id> <targets>
// OK OFFER_ACCEPT <id> followed by the fields of an OWNER line.
inline constexpr std::string_view kOfferAccept = request::kOfferAccept;
inline constexpr std::string_view kOfferDecline = request::kOfferDecline;  // OK OFFER_DECLINE <id>
inline constexpr std::string_view kPong = "PONG";
inline constexpr std::string_view kBye = request::kBye;
}  // namespace reply

// Body lines: the first word of each line that follows "OK <word> <n>".
namespace body {
inline constexpr std::string_view kUser = "USER";          // USER <name> <ip> <port> <files>
inline constexpr std::string_view kBusy = "BUSY";          // BUSY <name> <partner> (in USERS)
inline constexpr std::string_view kFile = request::kFile;  // FILE <owner> <name> <size> <sha256>
inline constexpr std::string_view kOwner = "OWNER";  // OWNER <owner> <ip> <port> <name> <size>
                                                     //       <sha256> <owner-key> <ticket>
}  // namespace body

// Events: the word after EVENT.
namespace event {
inline constexpr std::string_view kJoin = "JOIN";      // <name> <ip> <port> [<count>]
inline constexpr std::string_view kLeave = "LEAVE";    // <name>
inline constexpr std::string_view kBusy = "BUSY";      // <name> <partner>: left for a chat session
inline constexpr std::string_view kShares = "SHARES";  // <name> <count>
inline constexpr std::string_view kChatRequest = "CHAT_REQUEST";  // <id> <from>
inline constexpr std::string_view kChatAccepted =
    "CHAT_ACCEPTED";  // <id> <target> <ip> <port> <token> <target-key>
inline constexpr std::string_view kChatDeclined = "CHAT_DECLINED";    // <id> <target> <outcome>
inline constexpr std::string_view kChatCancelled = "CHAT_CANCELLED";  // <id> <from> <outcome>
inline constexpr std::string_view kOffer = request::kOffer;  // <id> <from> <name> <size> <sha256>
inline constexpr std::string_view kOfferAnswer = "OFFER_ANSWER";        // <id> <user> <outcome>
inline constexpr std::string_view kOfferCancelled = "OFFER_CANCELLED";  // <id> <from> <outcome>
inline constexpr std::string_view kShutdown = "SHUTDOWN";
inline constexpr std::string_view kResync = "RESYNC";  // directory events were dropped
// <joined> <left> <busy> <shares>: a batch too large to list, summed up (re-read USERS/FILES)
inline constexpr std::string_view kChanges = "CHANGES";
}  // namespace event

// The last field of CHAT_DECLINED, CHAT_CANCELLED, OFFER_ANSWER and OFFER_CANCELLED.
namespace outcome {
inline constexpr std::string_view kAccepted = "accepted";  // OFFER_ANSWER only
inline constexpr std::string_view kDeclined = "declined";  // CHAT_DECLINED, OFFER_ANSWER
inline constexpr std::string_view kTimeout = "timeout";    // nobody answered in time
inline constexpr std::string_view kGone = "gone";          // the other side disconnected
}  // namespace outcome

// The codes of "ERR <code> <reason>" (docs/PROTOCOL.md, "Error codes").
namespace err {
inline constexpr int kBadRequest = 400;  // unknown command, wrong fields, bad escape or number
inline constexpr int kNotYet = 401;      // say HELLO first / REGISTER first
inline constexpr int kForbidden = 403;   // a plaintext client of a broker without --plaintext
inline constexpr int kNotFound = 404;    // no such user, file or request
inline constexpr int kTimedOut = 408;    // not registered in time; the broker closes
inline constexpr int kConflict = 409;    // name taken, already registered, request pending
inline constexpr int kTooLarge = 413;    // line, fields, files or targets over a limit
inline constexpr int kBadVersion = 426;  // unsupported protocol major version; the broker closes
inline constexpr int kTooMany = 429;     // too many pending requests: retry once some are answered
inline constexpr int kShuttingDown = 503;

// A reason the lobby reads: an OFFER naming an unknown user gets
// "ERR 404 no such user <user>" (percent-encoded), and nothing is offered to anyone.
inline constexpr std::string_view kNoSuchUser = "no such user";
// Reasons of the encryption layer (issue 9) that the lobby reads.
inline constexpr std::string_view kEncryptionRequired = "encryption required";               // 403
inline constexpr std::string_view kNameBelongsToAnotherKey = "name belongs to another key";  // 409
inline constexpr std::string_view kKeyMismatch = "key does not match the connection";        // 400
// CHAT to a user who left for a session: "ERR 409 <user> is in a chat with <partner>".
inline constexpr std::string_view kInAChatWith = "is in a chat with";  // 409
}  // namespace err

// How a key is written where a user has none (a plaintext client that gave no key, teaching
// mode only); a key is otherwise 64 lower-case hex digits.
inline constexpr std::string_view kNoKey = "-";

}  // namespace peerlink::wire
