// Reads lines without reading ahead.
#include "common/term/stdin_lines.h"

namespace peerlink {

IoResult read_line_unbuffered(int fd, std::string* line, size_t max) {
  line->clear();
  bool any = false;
  for (;;) {
    char c = 0;
    size_t got = 0;
    IoResult r = recv_some(fd, &c, 1, &got);
    if (r.status == IoStatus::kClosed) return any ? IoResult{} : r;
    if (!r.ok()) return r;
    any = true;
    if (c == '\n') break;
    if (line->size() < max) line->push_back(c);
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return {};
}

}  // namespace peerlink
