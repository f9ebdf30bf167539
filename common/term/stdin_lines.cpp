// Reads lines without reading ahead.
#include "common/term/stdin_lines.h"

namespace peerlink {

Result read_line_unbuffered(int fd, std::string* line, size_t max) {
  line->clear();
  bool any = false;
  for (;;) {
    char c = 0;
    size_t got = 0;
    Result r = recv_some(fd, &c, 1, &got);
    if (r.status() == Status::kClosed) return any ? Result() : r;
    if (!r.ok()) return r;
    any = true;
    if (c == '\n') break;
    if (line->size() < max) line->push_back(c);
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return {};
}

}  // namespace peerlink
