// ParseValueJson and AppendValueJson against the nlohmann route they stand
// in for: on random JSON texts (duplicate and unsorted keys, escapes,
// multi-byte UTF-8, integers past int64, doubles) and Values, both must give
// what Value::FromJson(json::parse(text)) and value.ToJson().dump() give.
#include "expr/value_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/json_string.h"

namespace credo::expr {
namespace {

using nlohmann::json;

// Random JSON text, which may repeat keys and carries whitespace here and there.
class JsonTextMaker {
 public:
  explicit JsonTextMaker(uint32_t seed) : rng_(seed) {}

  std::string Make(int depth) {
    std::string out;
    Append(depth, out);
    return out;
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  void Space(std::string& out) {
    static const char* const kSpaces[] = {"", "", "", " ", "\n  ", "\t"};
    out += kSpaces[Pick(6)];
  }

  void Append(int depth, std::string& out) {
    Space(out);
    switch (Pick(depth > 0 ? 9 : 7)) {
      case 0:
        out += "null";
        break;
      case 1:
        out += Pick(2) ? "true" : "false";
        break;
      case 2: {
        static const char* const kIntegers[] = {"0",
                                                "-0",
                                                "7",
                                                "-42",
                                                "9223372036854775807",
                                                "-9223372036854775808",
                                                "9223372036854775808",
                                                "18446744073709551615",
                                                "123456789012"};
        out += kIntegers[Pick(9)];
        break;
      }
      case 3: {
        static const char* const kDoubles[] = {"0.1",     "-2.5",   "1e21",   "1E-7",
                                               "123.456", "1e300",  "0.0",    "-0.0",
                                               "3.0",     "2.5e-3", "1e-400", "0.30000000000000004",
                                               "1.5E2",   "-1e-320"};
        out += kDoubles[Pick(14)];
        break;
      }
      case 4:
      case 5:
        out += RandomString();
        break;
      case 6:
        out += std::to_string(std::uniform_int_distribution<int64_t>(-1'000'000, 1'000'000)(rng_)) + "." +
               std::to_string(Pick(1000));
        break;
      case 7: {
        out += '[';
        const int n = Pick(5);
        for (int i = 0; i < n; ++i) {
          if (i) out += ',';
          Append(depth - 1, out);
        }
        Space(out);
        out += ']';
        break;
      }
      default: {
        out += '{';
        const int n = Pick(6);
        for (int i = 0; i < n; ++i) {
          if (i) out += ',';
          Space(out);
          static const char* const kKeys[] = {"\"b\"", "\"a\"",       "\"amount_fen\"", "\"A\"",
                                              "\"\"",  "\"\\u00e9\"", "\"z\"",          "\"a\""};
          out += Pick(2) ? kKeys[Pick(8)] : RandomString();
          Space(out);
          out += ':';
          Append(depth - 1, out);
        }
        Space(out);
        out += '}';
      }
    }
  }

  // A string literal with plain text, escapes (named, \u, surrogate pairs)
  // and raw multi-byte UTF-8.
  std::string RandomString() {
    static const char* const kPieces[] = {"abc",
                                          " ",
                                          "\\\"",
                                          "\\\\",
                                          "\\/",
                                          "\\b",
                                          "\\f",
                                          "\\n",
                                          "\\r",
                                          "\\t",
                                          "\\u0001",
                                          "\\u001F",
                                          "\\u007f",
                                          "\u00e9",
                                          "\u4e2d\u6587",
                                          "\U0001F600",
                                          "\\ud83d\\ude00",
                                          "~"};
    std::string out = "\"";
    const int n = Pick(6);
    for (int i = 0; i < n; ++i) out += kPieces[Pick(18)];
    return out + '"';
  }

  std::mt19937 rng_;
};

// Same kinds, same numbers, same strings, same member order, all the way down.
void ExpectIdentical(const Value& a, const Value& b, const std::string& where) {
  ASSERT_EQ(a.kind(), b.kind()) << where;
  switch (a.kind()) {
    case ValueKind::kNumber:
      EXPECT_EQ(a.as_number().ToString(), b.as_number().ToString()) << where;
      break;
    case ValueKind::kArray:
      ASSERT_EQ(a.as_array().size(), b.as_array().size()) << where;
      for (size_t i = 0; i < a.as_array().size(); ++i) {
        ExpectIdentical(a.as_array()[i], b.as_array()[i], where + "[" + std::to_string(i) + "]");
      }
      break;
    case ValueKind::kObject:
      ASSERT_EQ(a.as_object().size(), b.as_object().size()) << where;
      for (size_t i = 0; i < a.as_object().size(); ++i) {
        EXPECT_EQ(a.as_object()[i].first, b.as_object()[i].first) << where;
        ExpectIdentical(a.as_object()[i].second, b.as_object()[i].second,
                        where + "." + a.as_object()[i].first);
      }
      break;
    default:
      EXPECT_TRUE(a == b) << where;
  }
}

TEST(ValueJson, ParsesRandomTextsAsTheDomRouteDoes) {
  JsonTextMaker maker(20261130);
  for (int i = 0; i < 3000; ++i) {
    const std::string text = maker.Make(4);
    const Value expected = Value::FromJson(json::parse(text));
    auto parsed = ParseValueJson(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    ExpectIdentical(*parsed, expected, text);
    EXPECT_STREQ(JsonTypeName(*parsed), expected.ToJson().type_name()) << text;  // 1e300: null, past Decimal
  }
}

// Texts where simdjson (the fast path) and nlohmann could part ways.
TEST(ValueJson, ParsesEdgeTextsAsTheDomRouteDoes) {
  for (const char* text :
       {"\xEF\xBB\xBF{\"bom\": 1}", "123456789012345678901234567890", "-0", "[-0.0, 0e0, 1E+2]",
        "{\"a\":1,\"a\":2}", "\"\\ud83d\\ude00\\u0000\"", "  [ ]  ", "{\"\\u00e9\":{}}",
        "18446744073709551616", "-9223372036854775809", "1.7976931348623157e308", "4.9e-324"}) {
    const Value expected = Value::FromJson(json::parse(text));
    auto parsed = ParseValueJson(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    ExpectIdentical(*parsed, expected, text);
  }
}

TEST(ValueJson, WritesRandomValuesAsDumpDoes) {
  JsonTextMaker maker(7);
  for (int i = 0; i < 3000; ++i) {
    const Value value = Value::FromJson(json::parse(maker.Make(4)));
    EXPECT_EQ(ValueJson(value), value.ToJson().dump());
  }
}

TEST(ValueJson, DuplicateKeysKeepTheLastAndKeysComeOutSorted) {
  auto parsed = ParseValueJson(R"({"b": 1, "a": 2, "b": 3, "a": {"y": null, "x": [1]}})");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->as_object().size(), 2u);
  EXPECT_EQ(parsed->as_object()[0].first, "a");
  EXPECT_TRUE(parsed->as_object()[0].second.is_object());
  EXPECT_EQ(parsed->as_object()[1].first, "b");
  EXPECT_EQ(parsed->as_object()[1].second.as_number().ToInt64(), 3);

  // Values built in insertion order (as expressions build them), duplicates included.
  const Value built(Object{{"z", Value::Int(1)}, {"a", Value(std::string("x"))}, {"z", Value::Int(2)}});
  EXPECT_EQ(ValueJson(built), R"({"a":"x","z":2})");
  EXPECT_EQ(ValueJson(built), built.ToJson().dump());
}

TEST(ValueJson, WritesNumbersDatesAndEscapesAsDumpDoes) {
  const Decimal tenth = *Decimal::Parse("0.1");
  const Decimal sum = *tenth.Add(*Decimal::Parse("0.2"));
  const std::vector<Value> values = {
      Value(sum),                                               // 0.3, exact in Decimal
      Value(*Decimal::Parse("79228162514264337593543950335")),  // past int64
      Value(*Decimal::Parse("-0.0000000000000000000000000001")),
      Value(*Decimal::FromInt(1).Div(Decimal::FromInt(3))),
      Value(std::string("tab\there \"quoted\" back\\slash \x01\x1f\x7f \xe4\xb8\xad")),
      Value(ParseDateTime("2025-08-19T16:55:02.078Z", nullptr).value()),
      Value(DateTime{0, nullptr, false}),  // invalid: null
  };
  for (const Value& value : values) EXPECT_EQ(ValueJson(value), value.ToJson().dump());
  std::string out;
  AppendJsonString("\x01", out);
  EXPECT_EQ(out, "\"\\u0001\"");  // lower-case hex, four digits
}

TEST(ValueJson, InvalidUtf8ThrowsAsDumpDoes) {
  for (const char* text : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    const Value value{std::string(text)};
    EXPECT_THROW(value.ToJson().dump(), json::type_error) << text;
    EXPECT_THROW(ValueJson(value), json::type_error) << text;
    const Value keyed(Object{{text, Value()}});
    EXPECT_THROW(keyed.ToJson().dump(), json::type_error) << text;
    EXPECT_THROW(ValueJson(keyed), json::type_error) << text;
  }
}

TEST(ValueJson, ErrorsAreNlohmannsMessages) {
  // 1e400 is not a parse_error but an out_of_range, which once escaped the
  // server's catch and ended the process.
  for (const char* text :
       {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "1 2", "[1,2", "\"\xff\"", "01", "[1e400]",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "{\"\\udc00\": 1}", "\"a\tb\""}) {
    std::string expected;
    try {
      const json parsed = json::parse(text);
      FAIL() << text << " parsed as " << parsed.dump();
    } catch (const json::exception& e) {
      expected = e.what();
      expected.erase(0, expected.find("] ") + 2);
    }
    auto parsed = ParseValueJson(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(parsed.status().message(), expected) << text;
  }
}

TEST(ValueJson, RefusesNestingPastTheLimit) {
  const auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(ParseValueJson(nested(kMaxJsonDepth)).ok());
  auto deep = ParseValueJson(nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "arrays and objects are nested deeper than 512 levels");
  // Also where a later duplicate key replaces the deep member.
  auto replaced = ParseValueJson(R"({"a":)" + nested(kMaxJsonDepth) + R"(,"a":0})");
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.status().message(), deep.status().message());
  // A million brackets fail the same way instead of exhausting the stack.
  EXPECT_FALSE(ParseValueJson(std::string(1'000'000, '[')).ok());
}

}  // namespace
}  // namespace credo::expr
