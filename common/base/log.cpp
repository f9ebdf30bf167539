// A small logger.
#include "common/base/log.h"

#include <cerrno>
#include <cstring>
#include <ctime>

namespace peerlink {

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Logger::~Logger() {
  if (file_ != nullptr) std::fclose(file_);
}

Result Logger::open(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) return Result::system("cannot open log " + path, errno);
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ != nullptr) std::fclose(file_);
  file_ = f;
  return {};
}

void Logger::line(std::string_view text) {
  std::string out = utc_timestamp();
  out.push_back(' ');
  out.append(text);
  out.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  for (FILE* f : {file_, echo_}) {
    if (f == nullptr) continue;
    std::fwrite(out.data(), 1, out.size(), f);
    if (autoflush_) std::fflush(f);
  }
}

void Logger::flush() {
  std::lock_guard<std::mutex> lock(mu_);
  // The file first: whoever sees a line on the echo can count on finding it in the file.
  for (FILE* f : {file_, echo_}) {
    if (f != nullptr) std::fflush(f);
  }
}

}  // namespace peerlink
