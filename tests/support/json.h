// Test harness: a small, strict JSON reader (RFC 8259) for the published test vectors in
// tests/data/. Parsing reports a malformed document as an Expected failure with its line and
// column; reading a parsed value the wrong way (a missing member, a string read as a number)
// throws JsonError naming the value's place in the document ("$.testGroups[3].tests[0].key"), so
// a vector file that is not what a test expects fails that test loudly instead of testing nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/result.h"

namespace peerlink::testing {

// Thrown by JsonValue's accessors when the document does not have the shape the caller asked for.
// GoogleTest reports it as a failure of the running test, with the message.
class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<JsonValue>;
  using Member = std::pair<std::string, JsonValue>;
  using Object = std::vector<Member>;  // in document order; names are unique

  JsonValue() = default;  // null, at "$"

  Kind kind() const { return kind_; }
  // Where this value is in its document: "$", "$.a", "$.a[2].b".
  const std::string& path() const { return path_; }

  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // Each accessor throws JsonError unless the value is of that kind.
  bool as_bool() const;
  double as_number() const;
  // The number exactly as written in the document ("1e3", "-0", "12").
  const std::string& number_text() const;
  // A number written as an integer (no fraction, no exponent) that fits in int64_t.
  int64_t as_int() const;
  const std::string& as_string() const;
  // A string of hex digits (even count, either case), decoded to bytes.
  std::string as_hex_bytes() const;
  const Array& as_array() const;
  const Object& as_object() const;

  // The members of an object or elements of an array.
  size_t size() const;
  // Array element `index`; throws if this is not an array or `index` is out of range.
  const JsonValue& operator[](size_t index) const;
  // Object member `name`; throws if this is not an object or has no such member.
  const JsonValue& operator[](std::string_view name) const;
  // Object member `name`, or nullptr if there is none; throws if this is not an object.
  const JsonValue* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

 private:
  friend class JsonParser;
  [[noreturn]] void wrong_kind(Kind wanted) const;

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string text_;  // a string's value, or a number's text
  Array array_;
  Object object_;
  std::string path_ = "$";
};

const char* json_kind_name(JsonValue::Kind kind);

// Parses a whole document (one value, surrounded only by whitespace). \uXXXX escapes become UTF-8
// (surrogate pairs joined; a lone surrogate is an error). Nesting deeper than 512 is refused.
Expected<JsonValue> parse_json(std::string_view text);

// Reads and parses the file at `path`.
Expected<JsonValue> load_json_file(const std::string& path);

}  // namespace peerlink::testing
