// Fuzz target: the lobby's parser of broker lines (client/lobby/messages.*), as the lobby uses
// it: classify the line, then interpret events, directory lines and multi-line counts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "client/lobby/messages.h"
#include "common/fs/names.h"

using namespace peerlink;
using namespace peerlink::lobby;

namespace {

bool hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One input can hold several lines, as a read from the broker does.
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);

    BrokerMessage m;
    if (!parse_broker_message(line, &m)) continue;
    if (m.kind == BrokerMessage::Kind::kErr) {
      if (!m.fields.empty()) std::abort();
    }
    if (m.kind == BrokerMessage::Kind::kEvent) {
      BrokerEvent e;
      if (parse_broker_event(m, &e)) {
        // What the lobby passes on (to exec'd programs, file names, the screen) is checked.
        switch (e.type) {
          case BrokerEvent::Type::kJoin:
          case BrokerEvent::Type::kChatAccepted:
            if (!plausible_ip(e.ip)) std::abort();
            break;
          case BrokerEvent::Type::kOffer:
            if (!safe_file_name(e.file) || !hex64(e.sha256)) std::abort();
            break;
          default:
            break;
        }
        if (e.type == BrokerEvent::Type::kChatAccepted && !plausible_token(e.token)) std::abort();
        if (e.type == BrokerEvent::Type::kChatAccepted && !e.key.empty() && !hex64(e.key)) {
          std::abort();  // a key is 64 lower-case hex digits, or none
        }
        if (e.type != BrokerEvent::Type::kOther && e.type != BrokerEvent::Type::kShutdown &&
            !e.user.empty() && !valid_user_name(e.user))
          std::abort();
      }
    }
    UserEntry u;
    if (parse_user_line(m, &u) || parse_info_reply(m, &u)) {
      if (!valid_user_name(u.name) || !plausible_ip(u.ip)) std::abort();
    }
    size_t n = 0;
    if (multi_line_count(m, "USERS", 1000, &n) && n > 1000) std::abort();
    if (is_ok(m, "PONG") && (m.kind != BrokerMessage::Kind::kOk || m.fields.empty())) std::abort();
  }
  return 0;
}
