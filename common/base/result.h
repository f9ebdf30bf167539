// The one way a fallible operation reports its outcome: ok, or a failure with a message for people
// and, where a system call failed, the errno behind it. Used across every layer instead of bool +
// `std::string* error` out-parameters, exit codes beside strings, or empty-string-means-success.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace peerlink {

// Why an operation failed. kClosed, kTimeout and kCancelled are the failures callers usually treat
// apart from the rest (a peer that left, a deadline that passed, the user or a signal said stop);
// everything else is kError.
enum class Status { kOk, kClosed, kTimeout, kCancelled, kError };

class [[nodiscard]] Result {
 public:
  Result() = default;  // success

  // A failure described by `message` ("no such user", "shared folder X is not a folder"), with
  // the errno that caused it when there is one.
  static Result failure(std::string message, int error = 0) {
    return Result(Status::kError, std::move(message), error);
  }
  // A failed system call: the message is "CONTEXT: strerror(error)", or strerror(error) alone
  // when `context` is empty.
  static Result system(std::string_view context, int error);
  static Result closed() { return Result(Status::kClosed, "connection closed", 0); }
  static Result timed_out() { return Result(Status::kTimeout, "timed out", 0); }
  // Stopped on request (a cancel fd became readable, a flag was set): "cancelled", ECANCELED.
  static Result cancelled();

  bool ok() const { return status_ == Status::kOk; }
  explicit operator bool() const { return ok(); }
  Status status() const { return status_; }
  int error() const { return error_; }                     // errno, or 0
  const std::string& message() const { return message_; }  // empty when ok()

  // The same failure with "PREFIX: " in front of its message (ok stays ok).
  Result with_context(std::string_view prefix) const;

 private:
  Result(Status status, std::string message, int error)
      : status_(status), error_(error), message_(std::move(message)) {}

  Status status_ = Status::kOk;
  int error_ = 0;
  std::string message_;
};

// A value, or the Result saying why there is none.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : value_(std::move(value)) {}  // NOLINT: implicit, like std::optional
  Expected(Result failure) : result_(std::move(failure)) { assert(!result_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Result& result() const { return result_; }
  Status status() const { return result_.status(); }
  int error() const { return result_.error(); }
  const std::string& message() const { return result_.message(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  // The value, or `fallback` when there is none (an invalid UniqueFd, an empty string).
  T value_or(T fallback) && { return value_ ? std::move(*value_) : std::move(fallback); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Result result_;
};

}  // namespace peerlink
