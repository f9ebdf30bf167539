// What a line typed during a session means: chat, a command, or the answer to an offer.
#pragma once

#include <string>
#include <string_view>

namespace peerlink {

struct SessionCommand {
  enum class Kind {
    kEmpty,    // blank line: nothing is sent
    kChat,     // `text` is sent as a CHAT frame
    kSend,     // "/send PATH": `text` is the path ("" if missing)
    kQuit,     // "/quit"
    kHelp,     // "/help"
    kAccept,   // "y"/"yes" while an offer waits for an answer
    kDecline,  // "n"/"no" while an offer waits for an answer
    kUnknown,  // another "/word": `text` is the word
  };
  Kind kind = Kind::kEmpty;
  std::string text;
};

// Parses one input line. Lines starting with "//" are chat without the first '/', so any text can
// be sent. "y", "yes", "n", "no" (any case, surrounding spaces ignored) answer an offer only when
// `offer_pending`; otherwise they are chat like any other line.
SessionCommand parse_session_line(std::string_view line, bool offer_pending);

// The /help text, one command per line, naming the peer.
std::string session_help(std::string_view peer);

}  // namespace peerlink
