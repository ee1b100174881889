// AppendJsonString against literals written by hand from RFC 8259 and
// nlohmann's dump() conventions (named escapes where JSON has them,
// lower-case \u00xx for the other control characters, UTF-8 copied).
#include "core/json_string.h"

#include <gtest/gtest.h>

namespace credo {
namespace {

std::string Quoted(std::string_view text) {
  std::string out = "prefix:";
  AppendJsonString(text, out);
  return out;
}

TEST(JsonString, EscapesWhatJsonRequiresAndCopiesTheRest) {
  EXPECT_EQ(Quoted(""), "prefix:\"\"");
  EXPECT_EQ(Quoted("plain"), "prefix:\"plain\"");
  EXPECT_EQ(Quoted("say \"hi\" \\ there"), "prefix:\"say \\\"hi\\\" \\\\ there\"");
  EXPECT_EQ(Quoted("\b\f\n\r\t"), "prefix:\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(Quoted(std::string_view("\x00\x01\x1f\x7f", 4)), "prefix:\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(Quoted("/ \xe4\xb8\xad"), "prefix:\"/ \xe4\xb8\xad\"");  // '/' and UTF-8 as they are
}

TEST(JsonString, SaysWhetherTheTextLeftAscii) {
  std::string out;
  EXPECT_FALSE(AppendJsonString("plain \"ascii\"\n\x7f", out));
  EXPECT_TRUE(AppendJsonString("caf\xc3\xa9", out));
  EXPECT_TRUE(AppendJsonString("\xff", out));  // not UTF-8: for the caller to check
}

}  // namespace
}  // namespace credo
