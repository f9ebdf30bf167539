// Result's messages.
#include "common/base/result.h"

#include <cerrno>
#include <cstring>

namespace peerlink {

Result Result::system(std::string_view context, int error) {
  std::string message(context);
  if (!message.empty()) message += ": ";
  message += std::strerror(error);
  return Result(Status::kError, std::move(message), error);
}

Result Result::cancelled() { return Result(Status::kCancelled, "cancelled", ECANCELED); }

Result Result::with_context(std::string_view prefix) const {
  if (ok()) return *this;
  std::string message(prefix);
  message += ": ";
  message += message_;
  return Result(status_, std::move(message), error_);
}

}  // namespace peerlink
