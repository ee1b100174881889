// JsonBuilder: commas, escaping and number text, checked against text
// written by hand and read back with nlohmann::json.
#include "data/json_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace credo::data {
namespace {

TEST(JsonBuilderTest, PlacesCommasInNestedContainers) {
  JsonBuilder json;
  json.BeginObject();
  json.Key("a");
  json.Int(1);
  json.Key("list");
  json.BeginArray();
  json.BeginObject();
  json.EndObject();
  json.BeginObject();
  json.Key("x");
  json.Null();
  json.EndObject();
  json.Bool(true);
  json.EndArray();
  json.Key("empty");
  json.BeginArray();
  json.EndArray();
  json.EndObject();
  EXPECT_EQ(json.text(), R"({"a":1,"list":[{},{"x":null},true],"empty":[]})");
  json.Clear();
  json.BeginArray();
  json.String("again");
  json.EndArray();
  EXPECT_EQ(json.text(), R"(["again"])");
}

TEST(JsonBuilderTest, EscapesQuotesBackslashesAndControlCharacters) {
  JsonBuilder json;
  const std::string text("say \"hi\"\\ \n\t\r\x01 Zo\xc3\xab\0", 20);  // ends in a NUL byte
  json.String(text);
  EXPECT_EQ(json.text(), "\"say \\\"hi\\\"\\\\ \\n\\t\\r\\u0001 Zo\xc3\xab\\u0000\"");
  EXPECT_EQ(nlohmann::json::parse(json.text()).get<std::string>(), text);
}

TEST(JsonBuilderTest, WritesNumbersExactly) {
  const struct {
    double value;
    const char* text;
  } cases[] = {
      {202500.0, "202500"},
      {-3.0, "-3"},
      {0.0, "0"},
      {0.1, "0.1"},
      {1200.25, "1200.25"},
      {0.7190000000000001, "0.7190000000000001"},  // the shortest text that reads back the same
      {9007199254740992.0, "9007199254740992"},    // 2^53 is not below 2^53: written as a double
      {1e300, "1e+300"},
  };
  for (const auto& c : cases) {
    JsonBuilder json;
    json.Number(c.value);
    EXPECT_EQ(json.text(), c.text);
    EXPECT_EQ(nlohmann::json::parse(json.text()).get<double>(), c.value) << c.text;
  }
  JsonBuilder json;
  json.Int(INT64_MIN);
  EXPECT_EQ(json.text(), "-9223372036854775808");
}
}  // namespace
}  // namespace credo::data
