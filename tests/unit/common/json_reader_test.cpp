// Tests for the test harness's JSON reader (tests/support/json.h) and tests/data/ lookup.
#include "tests/support/json.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_data.h"

namespace peerlink::testing {
namespace {

JsonValue parse_ok(std::string_view text) {
  Expected<JsonValue> parsed = parse_json(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.message();
  return parsed ? std::move(parsed).value() : JsonValue();
}

std::string parse_error(std::string_view text) {
  Expected<JsonValue> parsed = parse_json(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.message();
}

TEST(JsonReaderTest, ScalarsAtTheTop) {
  EXPECT_TRUE(parse_ok("null").is_null());
  EXPECT_TRUE(parse_ok(" true ").as_bool());
  EXPECT_FALSE(parse_ok("false").as_bool());
  EXPECT_EQ(parse_ok("\"hi\"").as_string(), "hi");
  EXPECT_EQ(parse_ok("\n\t42\r\n").as_int(), 42);
}

TEST(JsonReaderTest, NumbersKeepTheirText) {
  const JsonValue v = parse_ok("[0, -0, 12, -3.5, 1e3, 2.5E-1, 9007199254740993]");
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[0].as_int(), 0);
  EXPECT_EQ(v[1].number_text(), "-0");
  EXPECT_EQ(v[2].as_int(), 12);
  EXPECT_DOUBLE_EQ(v[3].as_number(), -3.5);
  EXPECT_EQ(v[3].number_text(), "-3.5");
  EXPECT_DOUBLE_EQ(v[4].as_number(), 1000.0);
  EXPECT_EQ(v[4].number_text(), "1e3");
  EXPECT_DOUBLE_EQ(v[5].as_number(), 0.25);
  // Beyond a double's 53 bits, the integer is still read exactly from its text.
  EXPECT_EQ(v[6].as_int(), 9007199254740993);
}

TEST(JsonReaderTest, AsIntRefusesFractionsExponentsAndOverflow) {
  const JsonValue v = parse_ok("[1.5, 1e3, 9223372036854775808, -9223372036854775808]");
  EXPECT_THROW(v[0].as_int(), JsonError);
  EXPECT_THROW(v[1].as_int(), JsonError);
  EXPECT_THROW(v[2].as_int(), JsonError);
  EXPECT_EQ(v[3].as_int(), INT64_MIN);
}

TEST(JsonReaderTest, StringEscapes) {
  EXPECT_EQ(parse_ok(R"("a\"b\\c\/d\b\f\n\r\t")").as_string(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(parse_ok(R"("\u0041\u00e9\u20AC")").as_string(), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(parse_ok(R"("\u0000")").as_string(), std::string(1, '\0'));
  // U+1F600 as a surrogate pair becomes one four-byte UTF-8 sequence.
  EXPECT_EQ(parse_ok(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");
  // Bytes that are not escapes are kept as written.
  EXPECT_EQ(parse_ok("\"caf\xc3\xa9\"").as_string(), "caf\xc3\xa9");
}

TEST(JsonReaderTest, ObjectsKeepOrderAndFindMembers) {
  const JsonValue v = parse_ok(R"({"b": 1, "a": [true, null, {}], "c": {"d": "x"}})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.as_object()[0].first, "b");
  EXPECT_EQ(v.as_object()[1].first, "a");
  EXPECT_EQ(v["b"].as_int(), 1);
  EXPECT_TRUE(v["a"][0].as_bool());
  EXPECT_TRUE(v["a"][1].is_null());
  EXPECT_EQ(v["a"][2].size(), 0u);
  EXPECT_EQ(v["c"]["d"].as_string(), "x");
  EXPECT_TRUE(v.has("c"));
  EXPECT_FALSE(v.has("z"));
  EXPECT_EQ(v.find("z"), nullptr);
  EXPECT_EQ(parse_ok("[]").size(), 0u);
}

TEST(JsonReaderTest, PathsNameEachValue) {
  const JsonValue v = parse_ok(R"({"groups": [{"tests": [{"key": "00"}]}]})");
  EXPECT_EQ(v.path(), "$");
  EXPECT_EQ(v["groups"][0]["tests"][0]["key"].path(), "$.groups[0].tests[0].key");
}

TEST(JsonReaderTest, WrongAccessThrowsWithThePath) {
  const JsonValue v = parse_ok(R"({"list": [1, "two"], "n": 3})");
  try {
    (void)v["list"][1].as_number();
    FAIL() << "no throw";
  } catch (const JsonError& e) {
    EXPECT_STREQ(e.what(), "json: $.list[1] is a string, not a number");
  }
  try {
    (void)v["missing"];
    FAIL() << "no throw";
  } catch (const JsonError& e) {
    EXPECT_STREQ(e.what(), "json: $ has no member \"missing\"");
  }
  try {
    (void)v["list"][2];
    FAIL() << "no throw";
  } catch (const JsonError& e) {
    EXPECT_STREQ(e.what(), "json: $.list has 2 elements, no [2]");
  }
  EXPECT_THROW((void)v["n"]["x"], JsonError);
  EXPECT_THROW((void)v["n"].size(), JsonError);
  EXPECT_THROW((void)v["list"].as_object(), JsonError);
  EXPECT_THROW((void)v.as_array(), JsonError);
  EXPECT_THROW((void)v["n"].as_bool(), JsonError);
  EXPECT_THROW((void)v["n"].as_string(), JsonError);
}

TEST(JsonReaderTest, HexBytes) {
  const JsonValue v = parse_ok(R"(["00ff7A", "", "abc", "zz", 5])");
  EXPECT_EQ(v[0].as_hex_bytes(), std::string("\x00\xff\x7a", 3));
  EXPECT_EQ(v[1].as_hex_bytes(), "");
  EXPECT_THROW(v[2].as_hex_bytes(), JsonError);
  EXPECT_THROW(v[3].as_hex_bytes(), JsonError);
  EXPECT_THROW(v[4].as_hex_bytes(), JsonError);
}

TEST(JsonReaderTest, MalformedDocumentsAreRefused) {
  for (const char* text : {"",
                           "   ",
                           "[1,]",
                           "[1 2]",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "{a:1}",
                           "{\"a\":1",
                           "[",
                           "01",
                           "-",
                           "1.",
                           "1e",
                           ".5",
                           "+1",
                           "tru",
                           "nul",
                           "\"open",
                           "\"tab\there\"",
                           "\"\\x\"",
                           "\"\\u12\"",
                           "\"\\ud800\"",
                           "\"\\udc00\"",
                           "\"\\ud800\\u0041\"",
                           "[1] [2]",
                           "1e999",
                           "{\"a\":1,\"a\":2}",
                           "'single'",
                           "[NaN]"}) {
    parse_error(text);
  }
}

TEST(JsonReaderTest, ErrorsSayWhere) {
  EXPECT_EQ(parse_error("{\n  \"a\": [1,\n   ]\n}"),
            "json: line 3 column 4: not the start of a value");
  EXPECT_EQ(parse_error("[1] x"), "json: line 1 column 5: unexpected text after the value");
}

TEST(JsonReaderTest, DeepNestingIsRefusedNotACrash) {
  EXPECT_TRUE(parse_json(std::string(500, '[') + std::string(500, ']')).ok());
  const Expected<JsonValue> deep = parse_json(std::string(100000, '['));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.message().find("nested too deeply"), std::string::npos) << deep.message();
}

TEST(JsonReaderTest, LoadsTheVectorFiles) {
  const Expected<JsonValue> x25519 = load_test_json("x25519_test.json");
  ASSERT_TRUE(x25519.ok()) << x25519.message();
  EXPECT_EQ((*x25519)["algorithm"].as_string(), "XDH");
  EXPECT_GT((*x25519)["numberOfTests"].as_int(), 0);

  for (const char* name : {"chacha20_poly1305_test.json", "hkdf_sha256_test.json",
                           "hmac_sha256_test.json", "noise_25519_chachapoly_sha256.json"}) {
    const Expected<JsonValue> parsed = load_test_json(name);
    EXPECT_TRUE(parsed.ok()) << parsed.message();
  }

  const Expected<JsonValue> missing = load_test_json("no_such_file.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(test_data_path("no_such_file.json")), std::string::npos)
      << missing.message();
}

}  // namespace
}  // namespace peerlink::testing
