// The JSON text of a trace: the keys and order the HTTP API and the audit
// log have always shown, checked against a hand-written text and against
// the same trace built as an nlohmann::json.
#include "decision/evaluation_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

Value V(const char* text) { return Value::FromJson(json::parse(text)); }

std::vector<NodeTrace> Trace() {
  NodeTrace table{"knockouts",         "knock-out \"rules\"",
                  "decisionTableNode", V(R"([{"index":0,"_id":"r1"}])"),
                  V(R"({"age":17})"),  V(R"({"reason":"AGE"})")};
  NodeTrace output{"out", "response", "outputNode", Value(), Value(), V(R"({"decision":"decline"})")};
  return {table, output};
}

TEST(TraceJson, WritesIdInputMatchedNameOutputTypeInKeyOrder) {
  EXPECT_EQ(
      TraceJson(Trace()),
      R"([{"id":"knockouts","input":{"age":17},"matched":[{"_id":"r1","index":0}],)"
      R"("name":"knock-out \"rules\"","output":{"reason":"AGE"},"type":"decisionTableNode"},)"
      R"({"id":"out","matched":null,"name":"response","output":{"decision":"decline"},"type":"outputNode"}])");
  EXPECT_EQ(
      TraceJson(Trace(), /*with_values=*/false),
      R"([{"id":"knockouts","matched":[{"_id":"r1","index":0}],"name":"knock-out \"rules\"",)"
      R"("type":"decisionTableNode"},{"id":"out","matched":null,"name":"response","type":"outputNode"}])");
  EXPECT_EQ(TraceJson({}), "[]");
}

TEST(TraceJson, IsWhatTheSameTraceAsNlohmannJsonDumps) {
  json nodes = json::array();
  for (const NodeTrace& t : Trace()) {
    json node = {{"id", t.id}, {"name", t.name}, {"type", t.type}, {"matched", t.matched.ToJson()}};
    if (!t.input.is_null()) node["input"] = t.input.ToJson();
    if (!t.output.is_null()) node["output"] = t.output.ToJson();
    nodes.push_back(std::move(node));
  }
  EXPECT_EQ(TraceJson(Trace()), nodes.dump());
}

}  // namespace
}  // namespace credo::decision
