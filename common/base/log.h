// A small logger: one line per event, to stdout (if asked) and appended to a file.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace peerlink {

// Thread-safe. Owns the log FILE* and closes it when destroyed. Each line is prefixed with a
// UTC timestamp ("2026-11-21T07:05:30Z ") and flushed, so a crash loses nothing written.
class Logger {
 public:
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Opens `path` for appending; a failure says "cannot open log PATH: ...".
  Result open(const std::string& path);
  void set_echo(FILE* echo) { echo_ = echo; }  // also print each line here (nullptr: don't)
  void line(std::string_view text);
  // With autoflush off, lines are buffered until flush(): an event loop flushes once per turn,
  // before it sleeps, so the log stays live without a write() per line.
  void set_autoflush(bool on) { autoflush_ = on; }
  void flush();

 private:
  std::mutex mu_;
  FILE* file_ = nullptr;
  FILE* echo_ = nullptr;
  bool autoflush_ = true;
};

// "2026-11-21T07:05:30Z" for now.
std::string utc_timestamp();

}  // namespace peerlink
