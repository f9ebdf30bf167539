// Test harness: a small, strict JSON reader (RFC 8259) for the published test vectors.
#include "tests/support/json.h"

#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include "common/base/fd.h"
#include "common/base/hex.h"
#include "common/base/io.h"

namespace peerlink::testing {

const char* json_kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return "a boolean";
    case JsonValue::Kind::kNumber:
      return "a number";
    case JsonValue::Kind::kString:
      return "a string";
    case JsonValue::Kind::kArray:
      return "an array";
    case JsonValue::Kind::kObject:
      return "an object";
  }
  return "?";
}

void JsonValue::wrong_kind(Kind wanted) const {
  throw JsonError("json: " + path_ + " is " + json_kind_name(kind_) + ", not " +
                  json_kind_name(wanted));
}

bool JsonValue::as_bool() const {
  if (kind_ != Kind::kBool) wrong_kind(Kind::kBool);
  return bool_;
}

double JsonValue::as_number() const {
  if (kind_ != Kind::kNumber) wrong_kind(Kind::kNumber);
  return number_;
}

const std::string& JsonValue::number_text() const {
  if (kind_ != Kind::kNumber) wrong_kind(Kind::kNumber);
  return text_;
}

int64_t JsonValue::as_int() const {
  if (kind_ != Kind::kNumber) wrong_kind(Kind::kNumber);
  int64_t value = 0;
  const char* end = text_.data() + text_.size();
  const auto [ptr, ec] = std::from_chars(text_.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    throw JsonError("json: " + path_ + " is " + text_ + ", not an integer that fits in 64 bits");
  }
  return value;
}

const std::string& JsonValue::as_string() const {
  if (kind_ != Kind::kString) wrong_kind(Kind::kString);
  return text_;
}

std::string JsonValue::as_hex_bytes() const {
  std::string bytes;
  if (!from_hex(as_string(), &bytes)) {
    throw JsonError("json: " + path_ + " is not a string of hex digits: \"" + text_ + "\"");
  }
  return bytes;
}

const JsonValue::Array& JsonValue::as_array() const {
  if (kind_ != Kind::kArray) wrong_kind(Kind::kArray);
  return array_;
}

const JsonValue::Object& JsonValue::as_object() const {
  if (kind_ != Kind::kObject) wrong_kind(Kind::kObject);
  return object_;
}

size_t JsonValue::size() const {
  if (kind_ == Kind::kArray) return array_.size();
  if (kind_ == Kind::kObject) return object_.size();
  throw JsonError("json: " + path_ + " is " + json_kind_name(kind_) +
                  ", not an array or an object");
}

const JsonValue& JsonValue::operator[](size_t index) const {
  const Array& array = as_array();
  if (index >= array.size()) {
    throw JsonError("json: " + path_ + " has " + std::to_string(array.size()) + " elements, no [" +
                    std::to_string(index) + "]");
  }
  return array[index];
}

const JsonValue& JsonValue::operator[](std::string_view name) const {
  const JsonValue* member = find(name);
  if (member == nullptr) {
    throw JsonError("json: " + path_ + " has no member \"" + std::string(name) + "\"");
  }
  return *member;
}

const JsonValue* JsonValue::find(std::string_view name) const {
  for (const Member& member : as_object()) {
    if (member.first == name) return &member.second;
  }
  return nullptr;
}

// Recursive descent over the text; the first error stops the parse and is reported with the
// line and column where it was found.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Expected<JsonValue> document() {
    JsonValue root;
    skip_space();
    if (value(&root, 0)) {
      skip_space();
      if (pos_ != text_.size()) fail("unexpected text after the value");
    }
    if (!error_.empty()) return Result::failure(error_);
    return root;
  }

 private:
  static constexpr int kMaxDepth = 512;

  bool fail(std::string_view why) {
    if (!error_.empty()) return false;
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    error_ = "json: line " + std::to_string(line) + " column " + std::to_string(column) + ": " +
             std::string(why);
    return false;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("unknown word");
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue* out, int depth) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"':
        out->kind_ = JsonValue::Kind::kString;
        return string(&out->text_);
      case 't':
        out->kind_ = JsonValue::Kind::kBool;
        out->bool_ = true;
        return literal("true");
      case 'f':
        out->kind_ = JsonValue::Kind::kBool;
        out->bool_ = false;
        return literal("false");
      case 'n':
        out->kind_ = JsonValue::Kind::kNull;
        return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number(out);
        return fail(at_end() ? "a value is missing" : "not the start of a value");
    }
  }

  bool object(JsonValue* out, int depth) {
    out->kind_ = JsonValue::Kind::kObject;
    ++pos_;  // '{'
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      if (peek() != '"') return fail("expected a member name in quotes");
      std::string name;
      if (!string(&name)) return false;
      for (const JsonValue::Member& member : out->object_) {
        if (member.first == name) return fail("member \"" + name + "\" appears twice");
      }
      skip_space();
      if (peek() != ':') return fail("expected ':' after a member name");
      ++pos_;
      skip_space();
      JsonValue member;
      member.path_ = out->path_ + "." + name;
      if (!value(&member, depth + 1)) return false;
      out->object_.emplace_back(std::move(name), std::move(member));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}' in an object");
    }
  }

  bool array(JsonValue* out, int depth) {
    out->kind_ = JsonValue::Kind::kArray;
    ++pos_;  // '['
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      JsonValue element;
      element.path_ = out->path_ + "[" + std::to_string(out->array_.size()) + "]";
      if (!value(&element, depth + 1)) return false;
      out->array_.push_back(std::move(element));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']' in an array");
    }
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool number(JsonValue* out) {
    const size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (is_digit(peek())) return fail("a number may not have a leading zero");
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      return fail("expected a digit");
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) return fail("expected a digit after '.'");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) return fail("expected a digit in the exponent");
      while (is_digit(peek())) ++pos_;
    }
    out->kind_ = JsonValue::Kind::kNumber;
    out->text_ = std::string(text_.substr(start, pos_ - start));
    const char* end = text_.data() + pos_;
    const auto [ptr, ec] = std::from_chars(text_.data() + start, end, out->number_);
    if (ec != std::errc() || ptr != end) {
      pos_ = start;
      return fail("number out of range");
    }
    return true;
  }

  // Four hex digits of a \u escape.
  bool hex4(uint32_t* unit) {
    if (text_.size() - pos_ < 4) return fail("\\u needs four hex digits");
    *unit = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_];
      uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return fail("\\u needs four hex digits");
      }
      *unit = (*unit << 4) | digit;
      ++pos_;
    }
    return true;
  }

  static void put_utf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3f)));
    }
  }

  // After the 'u' of a \u escape: one code unit, or a surrogate pair written as two escapes.
  bool unicode_escape(std::string* out) {
    uint32_t unit = 0;
    if (!hex4(&unit)) return false;
    if (unit >= 0xdc00 && unit <= 0xdfff) return fail("a low surrogate without a high one");
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (text_.substr(pos_, 2) != "\\u") return fail("a high surrogate without a low one");
      pos_ += 2;
      uint32_t low = 0;
      if (!hex4(&low)) return false;
      if (low < 0xdc00 || low > 0xdfff) return fail("a high surrogate without a low one");
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
    }
    put_utf8(unit, out);
    return true;
  }

  // A quoted string; bytes other than escapes are kept as they are.
  bool string(std::string* out) {
    ++pos_;  // '"'
    for (;;) {
      if (at_end()) return fail("a string is not closed");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
      ++pos_;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u':
          if (!unicode_escape(out)) return false;
          break;
        default:
          --pos_;
          return fail("unknown escape in a string");
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

Expected<JsonValue> parse_json(std::string_view text) { return JsonParser(text).document(); }

Expected<JsonValue> load_json_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Result::system("open " + path, errno);
  std::string text;
  if (Result read = read_to_end(fd.get(), size_t{64} << 20, &text); !read) {
    return read.with_context("read " + path);
  }
  Expected<JsonValue> parsed = parse_json(text);
  if (!parsed) return parsed.result().with_context(path);
  return parsed;
}

}  // namespace peerlink::testing
