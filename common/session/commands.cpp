// What a line typed during a session means: chat, a command, or the answer to an offer.
#include "common/session/commands.h"

namespace peerlink {
namespace {

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

SessionCommand parse_session_line(std::string_view line, bool offer_pending) {
  using Kind = SessionCommand::Kind;
  const std::string_view trimmed = trim(line);
  if (trimmed.empty()) return {Kind::kEmpty, ""};
  if (offer_pending) {
    const std::string word = lower(trimmed);
    if (word == "y" || word == "yes") return {Kind::kAccept, ""};
    if (word == "n" || word == "no") return {Kind::kDecline, ""};
  }
  if (trimmed.substr(0, 2) == "//")
    return {Kind::kChat, std::string(line.substr(line.find('/') + 1))};
  if (trimmed[0] != '/') return {Kind::kChat, std::string(line)};

  const size_t space = trimmed.find_first_of(" \t");
  const std::string_view word = trimmed.substr(0, space);
  const std::string_view rest =
      space == std::string_view::npos ? std::string_view() : trim(trimmed.substr(space));
  if (word == "/send") return {Kind::kSend, std::string(rest)};
  if (word == "/quit" && rest.empty()) return {Kind::kQuit, ""};
  if (word == "/help" && rest.empty()) return {Kind::kHelp, ""};
  return {Kind::kUnknown, std::string(word)};
}

std::string session_help(std::string_view peer) {
  std::string p(peer);
  return "  any line      sends it to " + p +
         " (start it with // to send a line beginning with /)\n" +
         "  /send PATH    offers a file; it moves only if " + p + " accepts\n" +
         "  y / n         answers the oldest offer waiting for you\n" +
         "  /quit         ends the session and returns to the lobby\n" +
         "  /help         shows this";
}

}  // namespace peerlink
